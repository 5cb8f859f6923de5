using Cidaas.AspNetCore.Authentication.Testing.Internal;
using Microsoft.AspNetCore.Http;

namespace Cidaas.AspNetCore.Authentication.Testing.Endpoints;

/// <summary>
/// <c>/users-srv/register</c>: the registration form's POST target. Creates the user in memory
/// (<see cref="CidaasEmulator.RegisteredUsers"/>), starts the SSO session with the new user signed in, and finishes the
/// authorization request as a login would.
/// </summary>
internal static class RegisterEndpoint
{
    public const string Path = "/users-srv/register";
    public const int MinPasswordLength = 8;
    private const int MaxFieldLength = 128;
    private const string What = "registration";

    public static async Task HandleAsync(HttpContext context, CidaasEmulator emulator)
    {
        if (await PendingLoginForm.ReadAsync(context, emulator, What, "start again", static p => p.Request.ViewType == "register") is not { } read)
        {
            return;
        }

        var (form, pending, now) = read;

        var givenName = Field(form, "given_name");
        var familyName = Field(form, "family_name");
        var email = Field(form, "email");
        var password = ClientAuthenticator.Single(form, "password") ?? "";
        var problem = givenName is null || familyName is null ? "Enter your given name and family name (at most 128 characters each)."
            : email is null || !IsEmailAddress(email) ? "Enter a valid e-mail address."
            : password.Length < MinPasswordLength || password.Length > MaxFieldLength ? $"Choose a password of {MinPasswordLength} to {MaxFieldLength} characters."
            : null;
        if (problem is not null)
        {
            await RegisterPage.WriteAsync(context, pending, problem, form);
            return;
        }

        var user = new CidaasEmulatorUser
        {
            Username = email!,
            Email = email,
            GivenName = givenName,
            FamilyName = familyName,
            Name = givenName + " " + familyName,
            Password = password,
        };
        if (!emulator.TryRegister(user))
        {
            await RegisterPage.WriteAsync(context, pending, "An account with this e-mail address exists already. Sign in instead.", form);
            return;
        }

        // The new user is signed in at once: the SSO session starts now, which is the id_token's auth_time.
        await PendingLoginForm.CompleteAsync(context, emulator, pending, user, now, What);
    }

    private static string? Field(IFormCollection form, string name)
        => ClientAuthenticator.Single(form, name)?.Trim() is { Length: > 0 and <= MaxFieldLength } value && !value.Any(char.IsControl) ? value : null;

    // The shape of an address (local@domain.tld), not deliverability; no spaces.
    private static bool IsEmailAddress(string value)
    {
        var at = value.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at == value.LastIndexOf('@') && value.IndexOf('.', at) > at + 1 && !value.EndsWith('.') && !value.Any(char.IsWhiteSpace);
    }
}
