using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using Cidaas.AspNetCore.Authentication.Protocol;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication;

/// <summary>
/// Signs users in with cidaas through the OAuth 2.0 Authorization Code Flow with PKCE, and OpenID Connect when
/// the <c>openid</c> scope is requested; signs them out of cidaas too. Read the steps of a sign-in top to bottom
/// in <see cref="HandleChallengeAsync"/> and <see cref="HandleRemoteAuthenticateAsync"/>.
/// </summary>
public class CidaasHandler : RemoteAuthenticationHandler<CidaasOptions>, IAuthenticationSignOutHandler
{
    private static readonly string[] SingleValuedParameters =
        [CidaasParameterNames.State, CidaasParameterNames.Code, CidaasParameterNames.Error, CidaasParameterNames.ErrorDescription, CidaasParameterNames.ErrorUri, CidaasParameterNames.Issuer];

    /// <summary>Creates the handler.</summary>
    public CidaasHandler(IOptionsMonitor<CidaasOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : base(options, logger, encoder)
    {
    }

    /// <summary>The events; set through <see cref="CidaasOptions.Events"/> or <see cref="AuthenticationSchemeOptions.EventsType"/>.</summary>
    protected new CidaasEvents Events
    {
        get => (CidaasEvents)base.Events;
        set => base.Events = value;
    }

    /// <inheritdoc />
    protected override Task<object> CreateEventsAsync() => Task.FromResult<object>(new CidaasEvents());

    /// <summary>
    /// Handles the callback and the signed-out callback. A sign-in that fails and that no <c>OnRemoteFailure</c>
    /// handler took care of ends in a plain-text 400 page naming the cause, never in an unhandled exception.
    /// </summary>
    public override async Task<bool> HandleRequestAsync()
    {
        if (Options.SignedOutCallbackPath.HasValue && Options.SignedOutCallbackPath == Request.Path)
        {
            return await HandleSignedOutCallbackAsync();
        }

        try
        {
            return await base.HandleRequestAsync();
        }
        catch (AuthenticationFailureException ex) when (!Response.HasStarted)
        {
            await WriteFailurePageAsync(ex.InnerException ?? ex);
            return true;
        }
    }

    /// <summary>Step 1: redirect to the authorization endpoint with a protected state, PKCE and a nonce.</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        properties.RedirectUri = ToLocalReturnUrl(properties.RedirectUri, OriginalPathBase + OriginalPath + Request.QueryString);

        var redirectUri = BuildRedirectUri(Options.CallbackPath);
        GenerateCorrelationId(properties);

        var requestedScope = ResolveRequestedScope(properties);
        var codeVerifier = Options.UsePkce ? CidaasPkce.CreateRandomValue() : null;
        var openId = requestedScope is null ? Options.Scope.Contains("openid") : ContainsScope(requestedScope, "openid");
        var nonce = openId ? CidaasPkce.CreateRandomValue() : null;

        properties.Items[CidaasStateKeys.Purpose] = CidaasStateKeys.SignInPurpose;
        properties.Items[CidaasStateKeys.RedirectUri] = redirectUri;
        properties.Items[CidaasStateKeys.ExpiresAt] = (TimeProvider.GetUtcNow() + Options.RemoteAuthenticationTimeout).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        if (codeVerifier is not null)
        {
            properties.Items[CidaasStateKeys.CodeVerifier] = codeVerifier;
        }

        if (nonce is not null)
        {
            properties.Items[CidaasStateKeys.Nonce] = nonce;
        }

        using var url = new CidaasQueryBuilder(Options.AuthorizationEndpoint!);
        url.Add(CidaasParameterNames.ResponseType, "code");
        url.Add(CidaasParameterNames.ClientId, Options.ClientId!);
        url.Add(CidaasParameterNames.RedirectUri, redirectUri);
        if (requestedScope is null)
        {
            url.AddList(CidaasParameterNames.Scope, Options.Scope);
        }
        else
        {
            url.Add(CidaasParameterNames.Scope, requestedScope);
        }

        AddState(url, properties);
        if (codeVerifier is not null)
        {
            AddCodeChallenge(url, codeVerifier);
            url.Add(CidaasParameterNames.CodeChallengeMethod, CidaasPkce.MethodS256);
        }

        if (nonce is not null)
        {
            url.Add(CidaasParameterNames.Nonce, nonce);
        }

        AddExtraAuthorizationParameters(url, properties);

        Logger.RedirectingToAuthorizationEndpoint(Options.AuthorizationEndpoint);
        await Events.RedirectToAuthorizationEndpoint(new CidaasRedirectContext(Context, Scheme, Options, properties, url.ToString()));
    }

    /// <summary>Steps 2 to 6: validate the authorization response, redeem the code, validate the tokens, build the user.</summary>
    protected override async Task<HandleRequestResult> HandleRemoteAuthenticateAsync()
    {
        // Step 2: the authorization response.
        if (!HttpMethods.IsGet(Request.Method))
        {
            return Fail(CidaasErrors.WrongMethod);
        }

        var query = Request.Query;
        foreach (var name in SingleValuedParameters)
        {
            if (query[name].Count > 1)
            {
                return Fail(CidaasErrors.DuplicateParameter(name));
            }
        }

        var stateValue = query[CidaasParameterNames.State].ToString();
        if (string.IsNullOrEmpty(stateValue))
        {
            return Fail(CidaasErrors.StateMissing);
        }

        var properties = Options.StateDataFormat.Unprotect(stateValue);
        if (properties is null)
        {
            return Fail(CidaasErrors.StateInvalid);
        }

        if (!properties.Items.TryGetValue(CidaasStateKeys.Purpose, out var purpose) || purpose != CidaasStateKeys.SignInPurpose)
        {
            return Fail(CidaasErrors.StateNotForSignIn);
        }

        if (IsExpired(properties))
        {
            return Fail(CidaasErrors.StateExpired, properties);
        }

        if (!ValidateCorrelationId(properties))
        {
            return Fail(CidaasErrors.CorrelationFailed, properties);
        }

        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await GetConfigurationAsync();
        }
        catch (CidaasProtocolException ex)
        {
            return HandleRequestResult.Fail(ex, properties);
        }

        var issuerFailure = ValidateIssuerParameter(query, configuration);
        if (issuerFailure is not null)
        {
            return Fail(issuerFailure, properties);
        }

        var error = query[CidaasParameterNames.Error].ToString();
        if (!string.IsNullOrEmpty(error))
        {
            if (error == "access_denied")
            {
                var denied = await HandleAccessDeniedErrorAsync(properties);
                return denied.None ? Fail(CidaasErrors.AccessDenied, properties) : denied;
            }

            var description = NullIfEmpty(query[CidaasParameterNames.ErrorDescription].ToString());
            return HandleRequestResult.Fail(
                new CidaasProtocolException(CidaasErrors.AuthorizationError(error, description), error, description, NullIfEmpty(query[CidaasParameterNames.ErrorUri].ToString())),
                properties);
        }

        var code = query[CidaasParameterNames.Code].ToString();
        if (string.IsNullOrEmpty(code))
        {
            return Fail(CidaasErrors.CodeMissing, properties);
        }

        properties.Items.TryGetValue(CidaasStateKeys.RedirectUri, out var redirectUri);
        properties.Items.TryGetValue(CidaasStateKeys.CodeVerifier, out var codeVerifier);
        properties.Items.TryGetValue(CidaasStateKeys.Nonce, out var nonce);
        RemoveStateItems(properties);
        redirectUri ??= BuildRedirectUri(Options.CallbackPath);

        // Step 3: the code exchange, never retried.
        var codeReceived = new CidaasAuthorizationCodeReceivedContext(Context, Scheme, Options, properties, code, redirectUri);
        await Events.AuthorizationCodeReceived(codeReceived);
        if (codeReceived.Result is not null)
        {
            return codeReceived.Result;
        }

        CidaasTokenResponse tokens;
        try
        {
            tokens = codeReceived.TokenResponse
                ?? await ExchangeCodeAsync(code, redirectUri, codeVerifier, codeReceived.TokenRequestParameters);
        }
        catch (CidaasProtocolException ex)
        {
            return HandleRequestResult.Fail(ex, properties);
        }

        using (tokens)
        {
            return await CreateTicketFromTokensAsync(tokens, properties, configuration, nonce);
        }
    }

    private async Task<HandleRequestResult> CreateTicketFromTokensAsync(
        CidaasTokenResponse tokens,
        AuthenticationProperties properties,
        OpenIdConnectConfiguration configuration,
        string? nonce)
    {
        if (string.IsNullOrEmpty(tokens.AccessToken))
        {
            return Fail(CidaasErrors.TokenResponseMissingAccessToken, properties);
        }

        if (!string.Equals(tokens.TokenType, "Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return Fail(CidaasErrors.WrongTokenType(tokens.TokenType), properties);
        }

        var tokensReceived = new CidaasTokenResponseReceivedContext(Context, Scheme, Options, properties, tokens);
        await Events.TokenResponseReceived(tokensReceived);
        if (tokensReceived.Result is not null)
        {
            return tokensReceived.Result;
        }

        // Step 4: the id_token.
        JsonWebToken? idToken = null;
        if (!string.IsNullOrEmpty(tokens.IdToken))
        {
            try
            {
                idToken = await CidaasIdTokenValidator.ValidateAsync(
                    Options, configuration, tokens.IdToken, nonce, tokens.AccessToken, FetchSigningKeysAsync, TimeProvider, Context.RequestAborted);
            }
            catch (CidaasProtocolException ex)
            {
                return HandleRequestResult.Fail(ex, properties);
            }

            Logger.IdTokenValidated(idToken.Subject);
            var tokenValidated = new CidaasTokenValidatedContext(Context, Scheme, Options, properties, tokens, idToken);
            await Events.TokenValidated(tokenValidated);
            if (tokenValidated.Result is not null)
            {
                return tokenValidated.Result;
            }
        }
        else if (nonce is not null)
        {
            return Fail(CidaasErrors.IdTokenMissing, properties);
        }

        // Step 5: the user information.
        JsonDocument? userDocument = null;
        try
        {
            if (Options.GetClaimsFromUserInfoEndpoint)
            {
                userDocument = await GetUserInformationAsync(tokens.AccessToken);
                var subject = GetString(userDocument.RootElement, "sub");
                if (string.IsNullOrEmpty(subject))
                {
                    return Fail(CidaasErrors.UserInfoSubjectMissing, properties);
                }

                if (idToken is not null && !string.Equals(subject, idToken.Subject, StringComparison.Ordinal))
                {
                    return Fail(CidaasErrors.UserInfoSubjectMismatch, properties);
                }

                Logger.UserInformationReceived(subject);
                var userReceived = new CidaasUserInformationReceivedContext(Context, Scheme, Options, properties, tokens, userDocument.RootElement);
                await Events.UserInformationReceived(userReceived);
                if (userReceived.Result is not null)
                {
                    return userReceived.Result;
                }
            }
            else if (idToken is not null)
            {
                userDocument = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(idToken.EncodedPayload));
            }
            else
            {
                return Fail(CidaasErrors.UserInfoSubjectMissing, properties);
            }
        }
        catch (CidaasProtocolException ex)
        {
            userDocument?.Dispose();
            return HandleRequestResult.Fail(ex, properties);
        }

        // Step 6: the ticket.
        using (userDocument)
        {
            var identity = new ClaimsIdentity(Scheme.Name, ClaimTypes.Name, ClaimTypes.Role);
            foreach (var action in Options.ClaimActions)
            {
                action.Run(userDocument.RootElement, identity, ClaimsIssuer);
            }

            if (Options.SaveTokens)
            {
                SaveTokens(properties, tokens);
            }

            var creatingTicket = new CidaasCreatingTicketContext(
                Context, Scheme, Options, new ClaimsPrincipal(identity), properties, tokens, idToken, userDocument.RootElement);
            await Events.CreatingTicket(creatingTicket);
            if (creatingTicket.Result is { } result)
            {
                return result.Succeeded
                    ? HandleRequestResult.Success(result.Ticket!)
                    : result.Failure is not null ? HandleRequestResult.Fail(result.Failure, properties) : HandleRequestResult.NoResult();
            }

            // The base class redirects to this URL: an event may have set it, or a state of an older version carried it unencoded.
            var returnUrl = creatingTicket.Properties.RedirectUri;
            creatingTicket.Properties.RedirectUri = ToLocation(returnUrl) ?? returnUrl;
            return HandleRequestResult.Success(new AuthenticationTicket(creatingTicket.Principal!, creatingTicket.Properties, Scheme.Name));
        }
    }

    /// <summary>Step 7: sign out locally and redirect to cidaas's end-session endpoint.</summary>
    public virtual async Task SignOutAsync(AuthenticationProperties? properties)
    {
        properties ??= new AuthenticationProperties();
        var signOutScheme = Options.SignOutScheme ?? Options.SignInScheme ?? (await Context.RequestServices
            .GetRequiredService<IAuthenticationSchemeProvider>().GetDefaultSignInSchemeAsync())?.Name;

        string? idToken = null;
        string? accessToken = null;
        if (signOutScheme is not null && signOutScheme != Scheme.Name)
        {
            var current = await Context.AuthenticateAsync(signOutScheme);
            idToken = current.Properties?.GetTokenValue("id_token");
            accessToken = idToken is null ? current.Properties?.GetTokenValue("access_token") : null;
        }

        properties.RedirectUri = ToLocalReturnUrl(properties.RedirectUri, Options.SignedOutRedirectUri);
        properties.Items[CidaasStateKeys.Purpose] = CidaasStateKeys.SignOutPurpose;
        properties.Items[CidaasStateKeys.ExpiresAt] = (TimeProvider.GetUtcNow() + Options.RemoteAuthenticationTimeout).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        using var url = new CidaasQueryBuilder(Options.EndSessionEndpoint!);
        if (idToken is not null)
        {
            url.Add(CidaasParameterNames.IdTokenHint, idToken);
        }
        else if (accessToken is not null)
        {
            url.Add(CidaasParameterNames.AccessTokenHint, accessToken);
        }

        url.Add(CidaasParameterNames.ClientId, Options.ClientId!);
        url.Add(CidaasParameterNames.PostLogoutRedirectUri, BuildRedirectUri(Options.SignedOutCallbackPath));
        url.Add(CidaasParameterNames.State, Options.StateDataFormat.Protect(properties));

        if (signOutScheme is not null && signOutScheme != Scheme.Name)
        {
            await Context.SignOutAsync(signOutScheme);
        }

        Logger.RedirectingToEndSessionEndpoint(Options.EndSessionEndpoint);
        await Events.RedirectToIdentityProviderForSignOut(new CidaasRedirectContext(Context, Scheme, Options, properties, url.ToString()));
    }

    private async Task<bool> HandleSignedOutCallbackAsync()
    {
        AuthenticationProperties? properties = null;
        var state = Request.Query[CidaasParameterNames.State];
        if (state.Count == 1 && !string.IsNullOrEmpty(state[0]))
        {
            properties = Options.StateDataFormat.Unprotect(state[0]);
            if (properties is not null
                && (!properties.Items.TryGetValue(CidaasStateKeys.Purpose, out var purpose) || purpose != CidaasStateKeys.SignOutPurpose || IsExpired(properties)))
            {
                properties = null;
            }
        }

        var fallback = ToLocation(Options.SignedOutRedirectUri) ?? "/";
        var redirectUri = ToLocation(properties?.RedirectUri) ?? fallback;
        if (properties is null)
        {
            Logger.SignedOutCallbackStateInvalid(fallback);
        }

        var context = new CidaasSignedOutCallbackContext(Context, Scheme, Options, properties, redirectUri);
        await Events.SignedOutCallbackRedirect(context);
        if (context.Handled)
        {
            return true;
        }

        Response.Redirect(ToLocation(context.RedirectUri) ?? fallback);
        return true;
    }

    private async Task<OpenIdConnectConfiguration> GetConfigurationAsync()
    {
        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await Options.ConfigurationManager!.GetConfigurationAsync(Context.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !Context.RequestAborted.IsCancellationRequested)
        {
            if (CidaasConfigurationRetriever.FindRefusal(ex) is { } refusal)
            {
                throw refusal;
            }

            Logger.ConfigurationUnavailable(Options.MetadataAddress, ex);
            throw new CidaasProtocolException(CidaasErrors.ConfigurationUnavailable(Options.MetadataAddress), ex);
        }

        if (string.IsNullOrEmpty(configuration.Issuer))
        {
            throw new CidaasProtocolException(CidaasErrors.ConfigurationIssuerMissing);
        }

        if (!string.Equals(CidaasUrls.TrimTrailingSlash(configuration.Issuer), CidaasUrls.TrimTrailingSlash(Options.Authority!), StringComparison.Ordinal))
        {
            throw new CidaasProtocolException(CidaasErrors.ConfigurationIssuerMismatch(configuration.Issuer, Options.Authority));
        }

        return configuration;
    }

    /// <summary>RFC 9207: the <c>iss</c> of the authorization response must be the issuer; when cidaas announces it, it must be there.</summary>
    private static string? ValidateIssuerParameter(IQueryCollection query, OpenIdConnectConfiguration configuration)
    {
        var iss = query[CidaasParameterNames.Issuer];
        if (iss.Count == 0)
        {
            return configuration.AuthorizationResponseIssParameterSupported ? CidaasErrors.IssuerMissing : null;
        }

        return string.Equals(iss[0], configuration.Issuer, StringComparison.Ordinal) ? null : CidaasErrors.IssuerMismatch;
    }

    private async Task<CidaasTokenResponse> ExchangeCodeAsync(string code, string redirectUri, string? codeVerifier, IDictionary<string, string> extraParameters)
    {
        using var form = CidaasQueryBuilder.ForForm();
        form.Add(CidaasParameterNames.GrantType, "authorization_code");
        form.Add(CidaasParameterNames.Code, code);
        form.Add(CidaasParameterNames.RedirectUri, redirectUri);
        form.Add(CidaasParameterNames.ClientId, Options.ClientId!);
        if (codeVerifier is not null)
        {
            form.Add(CidaasParameterNames.CodeVerifier, codeVerifier);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, Options.RequestCache.GetUri(Options.TokenEndpoint!));
        CidaasBackchannel.AcceptJson(request);
        if (Options.ClientAuthenticationMethod == CidaasClientAuthenticationMethod.ClientSecretBasic)
        {
            CidaasBackchannel.AddBasicCredentials(request, Options.RequestCache, Options.ClientId!, Options.ClientSecret!);
        }
        else
        {
            form.Add(CidaasParameterNames.ClientSecret, Options.ClientSecret!);
        }

        foreach (var parameter in extraParameters)
        {
            if (!CidaasParameterNames.IsReserved(parameter.Key))
            {
                form.Add(parameter.Key, parameter.Value ?? string.Empty);
            }
        }

        request.Content = form.ToFormContent();

        Logger.ExchangingCode(Options.TokenEndpoint, Options.ClientAuthenticationMethod);
        var response = await CidaasBackchannel.SendAsync(
            Options.Backchannel, request, Options.MaxBackchannelResponseSize, Options.BackchannelTimeout, "token endpoint", Context.RequestAborted);

        var document = response.TryParseObject();
        var status = (int)response.StatusCode;
        if (document is null)
        {
            throw response.IsSuccess
                ? new CidaasProtocolException(CidaasErrors.NotJson("token endpoint")) { StatusCode = status }
                : new CidaasProtocolException(CidaasErrors.TokenEndpointStatus(status)) { StatusCode = status };
        }

        // An error may quote the request back: the secret, the code and the verifier go no further than this method.
        var error = CidaasErrors.Redact(GetString(document.RootElement, CidaasParameterNames.Error), Options.ClientSecret, code, codeVerifier);
        if (!response.IsSuccess || error is not null)
        {
            using (document)
            {
                Logger.TokenEndpointError(status, error is null ? null : CidaasErrors.Clean(error));
                if (error is null)
                {
                    throw new CidaasProtocolException(CidaasErrors.TokenEndpointStatus(status)) { StatusCode = status };
                }

                var description = CidaasErrors.Redact(GetString(document.RootElement, CidaasParameterNames.ErrorDescription), Options.ClientSecret, code, codeVerifier);
                throw new CidaasProtocolException(
                    CidaasErrors.TokenEndpointError(error, description),
                    error,
                    description,
                    CidaasErrors.Redact(GetString(document.RootElement, CidaasParameterNames.ErrorUri), Options.ClientSecret, code, codeVerifier)) { StatusCode = status };
            }
        }

        return new CidaasTokenResponse(document);
    }

    private async Task<JsonDocument> GetUserInformationAsync(string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Options.RequestCache.GetUri(Options.UserInformationEndpoint!));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        CidaasBackchannel.AcceptJson(request);

        Logger.RequestingUserInformation(Options.UserInformationEndpoint);
        var response = await CidaasBackchannel.SendAsync(
            Options.Backchannel, request, Options.MaxBackchannelResponseSize, Options.BackchannelTimeout, "userinfo endpoint", Context.RequestAborted);
        if (!response.IsSuccess)
        {
            throw new CidaasProtocolException(CidaasErrors.UserInfoStatus((int)response.StatusCode)) { StatusCode = (int)response.StatusCode };
        }

        return response.TryParseObject() ?? throw new CidaasProtocolException(CidaasErrors.UserInfoNotJson) { StatusCode = (int)response.StatusCode };
    }

    private Task<ICollection<SecurityKey>> FetchSigningKeysAsync(string jwksUri, CancellationToken cancellationToken)
    {
        Logger.RefetchingSigningKeys(jwksUri);
        return CidaasJwks.GetSigningKeysAsync(
            Options.Backchannel, jwksUri, Options.MaxBackchannelResponseSize, Options.BackchannelTimeout, CidaasErrors.IdTokenSigningKeysNotRefetched, cancellationToken);
    }

    private void SaveTokens(AuthenticationProperties properties, CidaasTokenResponse tokens)
    {
        var saved = new List<AuthenticationToken>(5)
        {
            new() { Name = "access_token", Value = tokens.AccessToken! },
        };

        if (!string.IsNullOrEmpty(tokens.RefreshToken))
        {
            saved.Add(new AuthenticationToken { Name = "refresh_token", Value = tokens.RefreshToken });
        }

        if (!string.IsNullOrEmpty(tokens.IdToken))
        {
            saved.Add(new AuthenticationToken { Name = "id_token", Value = tokens.IdToken });
        }

        if (!string.IsNullOrEmpty(tokens.TokenType))
        {
            saved.Add(new AuthenticationToken { Name = "token_type", Value = tokens.TokenType });
        }

        // A lifetime past the calendar's end (cidaas would never send one) is left out rather than allowed to throw.
        var now = TimeProvider.GetUtcNow();
        if (tokens.ExpiresIn is long seconds and > 0 && seconds < (DateTimeOffset.MaxValue - now).TotalSeconds)
        {
            var expiresAt = now + TimeSpan.FromSeconds(seconds);
            saved.Add(new AuthenticationToken { Name = "expires_at", Value = expiresAt.ToString("o", CultureInfo.InvariantCulture) });
        }

        properties.StoreTokens(saved);
    }

    /// <summary>The scopes this challenge asks for itself (its <c>scope</c> parameter); <see langword="null"/> for <see cref="CidaasOptions.Scope"/>.</summary>
    private static string? ResolveRequestedScope(AuthenticationProperties properties)
    {
        var requested = properties.GetParameter<object>(CidaasParameterNames.Scope);
        return requested switch
        {
            string text when !string.IsNullOrWhiteSpace(text) => text.Trim(),
            IEnumerable<string> list when list.Any() => string.Join(' ', list),
            _ => null,
        };
    }

    private static bool ContainsScope(string scope, string value)
    {
        foreach (var part in scope.AsSpan().Split(' '))
        {
            if (scope.AsSpan(part).SequenceEqual(value))
            {
                return true;
            }
        }

        return false;
    }

    private void AddState(CidaasQueryBuilder url, AuthenticationProperties properties)
    {
        if (Options.StateDataFormat is CidaasStateDataFormat format)
        {
            // The default format hands over the protected bytes: they are base64url-encoded straight into the URL.
            url.AddBase64Url(CidaasParameterNames.State, format.ProtectToBytes(properties));
        }
        else
        {
            url.Add(CidaasParameterNames.State, Options.StateDataFormat.Protect(properties));
        }
    }

    private static void AddCodeChallenge(CidaasQueryBuilder url, string codeVerifier)
    {
        Span<byte> challenge = stackalloc byte[CidaasPkce.S256ChallengeSize];
        CidaasPkce.ComputeS256Challenge(codeVerifier, challenge);
        url.AddBase64Url(CidaasParameterNames.CodeChallenge, challenge);
    }

    private void AddExtraAuthorizationParameters(CidaasQueryBuilder url, AuthenticationProperties properties)
    {
        Dictionary<string, string>? merged = null;
        foreach (var parameter in Options.AdditionalAuthorizationParameters)
        {
            (merged ??= new(StringComparer.Ordinal))[parameter.Key] = parameter.Value;
        }

        foreach (var parameter in properties.Parameters)
        {
            if (parameter.Key != CidaasParameterNames.Scope && parameter.Value is not null)
            {
                var value = parameter.Value switch
                {
                    string text => text,
                    TimeSpan span => ((long)span.TotalSeconds).ToString(CultureInfo.InvariantCulture),
                    IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                    _ => null,
                };

                if (value is not null)
                {
                    (merged ??= new(StringComparer.Ordinal))[parameter.Key] = value;
                }
            }
        }

        if (merged is null)
        {
            return;
        }

        foreach (var parameter in merged)
        {
            if (CidaasParameterNames.IsReserved(parameter.Key) || parameter.Key == CidaasParameterNames.Scope)
            {
                Logger.ReservedParameterIgnored(parameter.Key);
                continue;
            }

            url.Add(parameter.Key, parameter.Value);
        }
    }

    private string ToLocalReturnUrl(string? returnUrl, string fallback)
    {
        // The fallback (the current URL) is held to the same rule: a request for "//evil.example/" would make it protocol-relative.
        var location = ToLocation(string.IsNullOrEmpty(returnUrl) ? fallback : returnUrl);
        if (location is not null)
        {
            return location;
        }

        Logger.ReturnUrlNotLocal();
        return OriginalPathBase.ToUriComponent() + "/";
    }

    /// <summary>
    /// A local URL resolved against the path base ("~/") and percent-encoded for a <c>Location</c> header
    /// (<see cref="CidaasUrls.EncodeForLocation"/>); <see langword="null"/> for a URL that is not local.
    /// </summary>
    private string? ToLocation(string? url)
    {
        if (!CidaasUrls.IsLocalUrl(url))
        {
            return null;
        }

        return CidaasUrls.EncodeForLocation(url.StartsWith("~/", StringComparison.Ordinal) ? OriginalPathBase + url[1..] : url);
    }

    private bool IsExpired(AuthenticationProperties properties)
        => !properties.Items.TryGetValue(CidaasStateKeys.ExpiresAt, out var value)
            || !long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
            || TimeProvider.GetUtcNow() > DateTimeOffset.FromUnixTimeSeconds(seconds);

    private static void RemoveStateItems(AuthenticationProperties properties)
    {
        // The properties become part of the sign-in cookie: protocol secrets of the finished flow do not belong there.
        properties.Items.Remove(CidaasStateKeys.CodeVerifier);
        properties.Items.Remove(CidaasStateKeys.Nonce);
        properties.Items.Remove(CidaasStateKeys.RedirectUri);
        properties.Items.Remove(CidaasStateKeys.ExpiresAt);
        properties.Items.Remove(CidaasStateKeys.Purpose);
    }

    private static HandleRequestResult Fail(string message, AuthenticationProperties? properties = null)
        => HandleRequestResult.Fail(new CidaasProtocolException(message), properties);

    private async Task WriteFailurePageAsync(Exception failure)
    {
        var message = failure is CidaasProtocolException ? failure.Message : "An unexpected error occurred while completing the sign-in.";
        Logger.SignInFailed(message);
        Response.Clear();
        Response.StatusCode = StatusCodes.Status400BadRequest;
        Response.ContentType = "text/plain; charset=utf-8";
        Response.Headers.CacheControl = "no-store";
        Response.Headers.XContentTypeOptions = "nosniff";
        await Response.WriteAsync("Sign-in with cidaas failed." + Environment.NewLine + message + Environment.NewLine, Context.RequestAborted);
    }

    private static string? GetString(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
