using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;

namespace Cidaas.AspNetCore.Authentication;

/// <summary>
/// Reads the options of each cidaas scheme from <c>Authentication:Schemes:{scheme}</c>, before the code's own
/// configuration runs. Keys: Authority, ClientId, ClientSecret, Scope (space-separated or an array), CallbackPath,
/// SignedOutCallbackPath, SignedOutRedirectUri, UsePkce, RequireHttpsMetadata, SaveTokens, GetClaimsFromUserInfoEndpoint,
/// ClientAuthenticationMethod, MetadataAddress, the endpoint addresses, SignInScheme, SignOutScheme, AccessDeniedPath,
/// BackchannelTimeout, MapRolesAndGroupsFromIdToken, RevocationEndpoint, RefreshBeforeExpiry, RevokeRefreshTokenOnSignOut,
/// BackchannelLogoutPath, BackchannelLogoutTokenMaxAge, ClientAssertionAudience, AcceptHs256IdTokens (the private key
/// of ClientSigningCredentials is set in code), the challenge options ViewType, Prompt, MaxAge, UiLocales, AcrValues
/// and RequireAcr, PushedAuthorizationBehavior and PushedAuthorizationEndpoint.
/// </summary>
internal sealed class CidaasConfigureOptions(IAuthenticationConfigurationProvider configurationProvider)
    : CidaasConfigurationBinder<CidaasOptions>(configurationProvider)
{
    private static readonly string[] OptionNames =
    [
        nameof(CidaasOptions.Authority), nameof(CidaasOptions.ClientId), nameof(CidaasOptions.ClientSecret),
            nameof(CidaasOptions.ClientAuthenticationMethod), nameof(CidaasOptions.UsePkce), nameof(CidaasOptions.SaveTokens),
            nameof(CidaasOptions.GetClaimsFromUserInfoEndpoint), nameof(CidaasOptions.RequireHttpsMetadata), nameof(CidaasOptions.MetadataAddress),
            nameof(CidaasOptions.AuthorizationEndpoint), nameof(CidaasOptions.TokenEndpoint), nameof(CidaasOptions.UserInformationEndpoint),
            nameof(CidaasOptions.EndSessionEndpoint), nameof(CidaasOptions.CallbackPath), nameof(CidaasOptions.SignedOutCallbackPath),
            nameof(CidaasOptions.SignedOutRedirectUri), nameof(CidaasOptions.AccessDeniedPath), nameof(CidaasOptions.BackchannelTimeout),
            nameof(CidaasOptions.SignInScheme), nameof(CidaasOptions.SignOutScheme),
            nameof(CidaasOptions.MapRolesAndGroupsFromIdToken), nameof(CidaasOptions.RevocationEndpoint),
            nameof(CidaasOptions.RefreshBeforeExpiry), nameof(CidaasOptions.RevokeRefreshTokenOnSignOut),
            nameof(CidaasOptions.BackchannelLogoutPath), nameof(CidaasOptions.BackchannelLogoutTokenMaxAge),
            nameof(CidaasOptions.ViewType), nameof(CidaasOptions.Prompt), nameof(CidaasOptions.UiLocales), nameof(CidaasOptions.AcrValues),
            nameof(CidaasOptions.RequireAcr),
            nameof(CidaasOptions.ClientAssertionAudience), nameof(CidaasOptions.AcceptHs256IdTokens),
            nameof(CidaasOptions.PushedAuthorizationBehavior), nameof(CidaasOptions.PushedAuthorizationEndpoint),
    ];

    protected override IReadOnlyCollection<string> Keys { get; } = [.. OptionNames, nameof(CidaasOptions.Scope), nameof(CidaasOptions.MaxAge)];

    protected override void SetKeys(CidaasOptions options, CidaasConfigurationKeys keys) => options.ConfigurationKeys = keys;

    /// <summary>
    /// <c>MaxAge</c>: a number of seconds, as cidaas's <c>default_max_age</c> (a bare "300" is not read as 300 days, as a
    /// time span would be), or a time span with a ':'. Another value is reported by <c>Validate()</c>, never dropped.
    /// </summary>
    private static void BindMaxAge(IConfiguration section, CidaasOptions options)
    {
        if (section[nameof(CidaasOptions.MaxAge)] is not { Length: > 0 } text)
        {
            return;
        }

        if (Protocol.CidaasChallengeParameterRules.TryParseMaxAge(text, out var seconds))
        {
            options.MaxAge = seconds;
        }
        else if (text.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var span))
        {
            options.MaxAge = span;
        }
        else
        {
            options.ConfigurationKeys?.Unreadable.TryAdd(nameof(CidaasOptions.MaxAge), "is not valid: it must be a number of seconds or a time span.");
        }
    }

    protected override void Bind(IConfiguration section, CidaasOptions options)
    {
        SetOptions(section, options, OptionNames);
        BindMaxAge(section, options);

        var scopes = GetList(section, nameof(CidaasOptions.Scope));
        if (scopes.Length > 0)
        {
            options.Scope.Clear();
            foreach (var scope in scopes)
            {
                options.Scope.Add(scope);
            }
        }
    }
}
