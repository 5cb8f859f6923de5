using Cidaas.AspNetCore.Authentication.Testing.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Cidaas.AspNetCore.Authentication.Testing.Endpoints;

/// <summary>
/// <c>/authz-srv/authz</c>: validates the authorization request, then signs the user in (automatically,
/// through the SSO session, or through the login page) and redirects back with a code.
/// </summary>
internal static class AuthorizeEndpoint
{
    public const string Path = "/authz-srv/authz";

    private static readonly string[] KnownPrompts = ["none", "login", "consent", "select_account"];

    public static async Task HandleAsync(HttpContext context, CidaasEmulator emulator)
    {
        Dictionary<string, StringValues> parameters;
        if (HttpMethods.IsGet(context.Request.Method))
        {
            parameters = context.Request.Query.ToDictionary(StringComparer.Ordinal);
        }
        else if (HttpMethods.IsPost(context.Request.Method) && context.Request.HasFormContentType)
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            parameters = form.ToDictionary(StringComparer.Ordinal);
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "GET, POST";
            return;
        }

        // A pushed request (RFC 9126): its parameters, and only those, stand in for the query's.
        var pushed = parameters.ContainsKey("request_uri");
        if (pushed)
        {
            if (await PushedAuthorizationEndpoint.TakeAsync(context, emulator, parameters) is not { } pushedParameters)
            {
                return;
            }

            parameters = pushedParameters;
        }

        // Until client and redirect_uri are verified, errors go to a page: never redirect to an unverified URI.
        var clientId = Single(parameters, "client_id");
        if (clientId is null)
        {
            await Responses.WriteErrorPageAsync(context, "The authorization request has no (or more than one) client_id.");
            return;
        }

        var client = emulator.FindClient(clientId);
        if (client is null)
        {
            await Responses.WriteErrorPageAsync(context,
                $"The client_id '{Shorten(clientId)}' is not registered with cidaas. The emulator knows: {string.Join(", ", emulator.Options.Clients.Select(c => "'" + c.ClientId + "'"))}.");
            return;
        }

        var redirectUri = Single(parameters, "redirect_uri");
        if (redirectUri is null)
        {
            await Responses.WriteErrorPageAsync(context, "The authorization request has no (or more than one) redirect_uri.");
            return;
        }

        if (!RedirectUris.IsAllowed(client, redirectUri))
        {
            await Responses.WriteErrorPageAsync(context,
                $"The redirect_uri '{Shorten(redirectUri)}' is not registered for the client '{client.ClientId}'. Registered: {DescribeRedirectUris(client)}.");
            return;
        }

        var request = new AuthorizationRequest { Client = client, RedirectUri = redirectUri, State = Single(parameters, "state") };
        if (!pushed && (client.RequirePushedAuthorizationRequests || emulator.Options.RequirePushedAuthorizationRequests))
        {
            await AuthorizationResponder.SendErrorAsync(context, emulator, request, "invalid_request", "The client must push its authorization requests to /authz-srv/par (RFC 9126).");
            return;
        }

        var error = Validate(parameters, request);
        if (error is not null)
        {
            await AuthorizationResponder.SendErrorAsync(context, emulator, request, error.Value.Error, error.Value.Description);
            return;
        }

        await SignInAsync(context, emulator, request);
    }

    /// <summary>The checks of the parameters after client and redirect URI (also of a pushed request); the error, or <see langword="null"/>.</summary>
    internal static (string Error, string Description)? Validate(Dictionary<string, StringValues> parameters, AuthorizationRequest request)
    {
        var repeated = parameters.FirstOrDefault(pair => pair.Value.Count > 1).Key;
        if (repeated is not null)
        {
            return ("invalid_request", $"The parameter '{repeated}' is repeated.");
        }

        var responseType = Single(parameters, "response_type");
        if (responseType is null)
        {
            return ("invalid_request", "The response_type parameter is missing.");
        }

        if (responseType != "code")
        {
            return ("unsupported_response_type", "Only response_type=code is supported.");
        }

        var responseMode = Single(parameters, "response_mode");
        if (responseMode is not null and not "query")
        {
            return ("invalid_request", "Only response_mode=query is supported.");
        }

        request.Scopes = Scopes.Parse(Single(parameters, "scope"));
        var forbidden = Scopes.FindForbidden(request.Client, request.Scopes);
        if (forbidden is not null)
        {
            return ("invalid_scope", $"The client may not request the scope '{forbidden}'.");
        }

        request.CodeChallenge = Single(parameters, "code_challenge");
        var method = Single(parameters, "code_challenge_method");
        if (request.CodeChallenge is null)
        {
            if (method is not null)
            {
                return ("invalid_request", "code_challenge_method was sent without code_challenge.");
            }
        }
        else
        {
            // RFC 7636 §4.3: plain is the default method.
            method ??= Pkce.Plain;
            if (method is not Pkce.S256 and not Pkce.Plain)
            {
                return ("invalid_request", "The code_challenge_method is not supported; use S256.");
            }

            if (!Pkce.IsValidSyntax(request.CodeChallenge))
            {
                return ("invalid_request", "The code_challenge must be 43 to 128 characters of [A-Za-z0-9-._~].");
            }

            request.CodeChallengeMethod = method;
        }

        request.Prompt = (Single(parameters, "prompt") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (request.Prompt.Any(prompt => !KnownPrompts.Contains(prompt)))
        {
            return ("invalid_request", "The prompt parameter has an unknown value.");
        }

        if (request.Prompt.Contains("none") && request.Prompt.Count > 1)
        {
            return ("invalid_request", "prompt=none cannot be combined with other prompt values.");
        }

        request.Nonce = Single(parameters, "nonce");
        request.LoginHint = Single(parameters, "login_hint");
        return ValidateChallengeOptions(parameters, request);
    }

    /// <summary>cidaas's <c>view_type</c> and OpenID Connect's <c>max_age</c>, <c>ui_locales</c>, <c>acr_values</c> and <c>login_hint</c> (issue 16).</summary>
    private static (string Error, string Description)? ValidateChallengeOptions(Dictionary<string, StringValues> parameters, AuthorizationRequest request)
    {
        var viewType = Single(parameters, "view_type") ?? "login";
        if (viewType is not "login" and not "register")
        {
            return ("invalid_request", "The view_type parameter must be 'login' or 'register'.");
        }

        request.ViewType = viewType;
        if (Single(parameters, "max_age") is { } maxAge)
        {
            if (maxAge.Length > 10 || !maxAge.All(char.IsAsciiDigit) || !long.TryParse(maxAge, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
            {
                return ("invalid_request", "The max_age parameter must be a non-negative number of seconds.");
            }

            request.MaxAge = TimeSpan.FromSeconds(seconds);
        }

        request.UiLocales = (Single(parameters, "ui_locales") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (request.UiLocales.Any(tag => tag.Length > 64 || !tag.Split('-').All(part => part.Length is >= 1 and <= 8 && part.All(char.IsAsciiLetterOrDigit))))
        {
            return ("invalid_request", "The ui_locales parameter must list BCP 47 language tags separated by spaces.");
        }

        request.AcrValues = (Single(parameters, "acr_values") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (request.LoginHint is { } hint && (hint.Length > 256 || hint.Any(char.IsControl)))
        {
            return ("invalid_request", "The login_hint parameter is too long or has control characters.");
        }

        return null;
    }

    private static Task SignInAsync(HttpContext context, CidaasEmulator emulator, AuthorizationRequest request)
    {
        var now = emulator.Options.TimeProvider.GetUtcNow();
        if (request.ViewType == "register" && !request.Prompt.Contains("none"))
        {
            // Registration needs the user's input, so its page shows also where sign-in is automatic.
            return RegisterPage.WriteAsync(context, emulator.Sessions.AddPendingLogin(request, now), error: null);
        }

        if (!emulator.Options.ShowLoginPage)
        {
            var user = emulator.FindAutoSignInUser(request.LoginHint);
            return user is null
                ? AuthorizationResponder.SendErrorAsync(context, emulator, request, "login_required", "The emulator has no user to sign in.")
                : AuthorizationResponder.IssueCodeAsync(context, emulator, request, user, RandomTokens.CreateId(), now);
        }

        var session = emulator.Sessions.Find(context);
        if (session is not null && request.MaxAge is { } maxAge && session.AuthTime + maxAge < now)
        {
            session = null; // older than max_age: the user authenticates again (OpenID Connect Core §3.1.2.1)
        }

        if (session is not null && !request.Prompt.Contains("login"))
        {
            return AuthorizationResponder.IssueCodeAsync(context, emulator, request, session.User, session.SessionId, session.AuthTime);
        }

        if (request.Prompt.Contains("none"))
        {
            return AuthorizationResponder.SendErrorAsync(context, emulator, request, "login_required", "The user is not signed in.");
        }

        var pending = emulator.Sessions.AddPendingLogin(request, now);
        return LoginPage.WriteAsync(context, pending, request.LoginHint, error: null, emulator.Options.LoginPageHint);
    }

    /// <summary>The page's language: the first <c>ui_locales</c> tag, else English.</summary>
    public static string PageLanguage(AuthorizationRequest request) => request.UiLocales.Count > 0 ? request.UiLocales[0] : "en";

    internal static string? Single(Dictionary<string, StringValues> parameters, string name) =>
        parameters.TryGetValue(name, out var values) && values.Count == 1 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;

    // Error pages name what was received and what was expected (the emulator's registrations hold no secret), with the
    // received value cut short so that a page never echoes a huge query string.
    private static string Shorten(string value) => value.Length <= 200 ? value : value[..200] + "…";

    private static string DescribeRedirectUris(CidaasEmulatorClient client)
    {
        var registered = client.RedirectUris.Select(uri => "'" + uri + "'").ToList();
        if (client.AllowAnyRedirectUri)
        {
            registered.Add("any redirect URI");
        }
        else if (client.AllowLoopbackRedirectUris)
        {
            registered.Add("any loopback (localhost, 127.0.0.1, [::1]) redirect URI");
        }

        return registered.Count == 0 ? "none" : string.Join(", ", registered);
    }
}
