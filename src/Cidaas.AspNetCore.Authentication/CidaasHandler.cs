using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using Cidaas.AspNetCore.Authentication.Diagnostics;
using Cidaas.AspNetCore.Authentication.Protocol;
using Cidaas.AspNetCore.Authentication.Sessions;
using Cidaas.AspNetCore.Authentication.SignIn;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication;

/// <summary>
/// Signs users in with cidaas through the OAuth 2.0 Authorization Code Flow with PKCE, and OpenID Connect when the
/// <c>openid</c> scope is requested; signs them out of cidaas too. This class only orders the steps; each step is a type
/// of its own: challenge (<see cref="CidaasAuthorizationRequestBuilder"/>), callback
/// (<see cref="CidaasAuthorizationResponseValidator"/>), code exchange (<see cref="CidaasTokenClient"/>), id_token
/// (<see cref="CidaasIdTokenValidator"/>), userinfo (<see cref="CidaasUserInfoClient"/>), ticket
/// (<see cref="CidaasTicketBuilder"/>), sign-out and signed-out callback (<see cref="CidaasSignOutFlow"/>).
/// </summary>
/// <remarks>
/// The extension contract, chosen on purpose: the handler is public and unsealed, and the steps that ASP.NET Core's
/// <c>OAuthHandler</c> and <c>OpenIdConnectHandler</c> let a subclass replace are the <see langword="protected virtual"/>
/// seams here: <see cref="ExchangeCodeAsync"/>, <see cref="GetUserInformationAsync"/> and <see cref="CreateTicketAsync"/>,
/// plus <see cref="SignOutAsync"/>. Register a subclass with <c>AddCidaas&lt;THandler&gt;(…)</c>. The order of the steps
/// is sealed (<see cref="HandleChallengeAsync"/>, <see cref="HandleRemoteAuthenticateAsync"/>, <see cref="HandleRequestAsync"/>),
/// so every check stays outside the seams: the state, correlation, issuer and code checks of the callback, the token
/// type, the id_token (signature, issuer, audience, lifetime, nonce) and the userinfo subject run on whatever a
/// subclass returns. Per-request changes belong in <see cref="CidaasEvents"/>.
/// </remarks>
public class CidaasHandler : RemoteAuthenticationHandler<CidaasOptions>, IAuthenticationSignOutHandler
{
    /// <summary>Creates the handler.</summary>
    public CidaasHandler(IOptionsMonitor<CidaasOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : base(options, CidaasHandlerLoggerFactory.Wrap(logger), encoder)
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
    public sealed override async Task<bool> HandleRequestAsync()
    {
        if (Options.BackchannelLogoutPath.HasValue && Options.BackchannelLogoutPath == Request.Path)
        {
            await CidaasBackchannelLogout.HandleAsync(Context, Scheme, Options, Events, TimeProvider, Logger);
            return true;
        }

        if (Options.SignedOutCallbackPath.HasValue && Options.SignedOutCallbackPath == Request.Path)
        {
            await CidaasSignOutFlow.HandleSignedOutCallbackAsync(Context, Scheme, Options, Events, TimeProvider.GetUtcNow(), OriginalPathBase, Logger);
            return true;
        }

        try
        {
            return await base.HandleRequestAsync();
        }
        catch (AuthenticationFailureException ex) when (!Response.HasStarted)
        {
            await CidaasFailurePage.WriteAsync(Response, ex.InnerException ?? ex, Logger, Context.RequestAborted);
            return true;
        }
        catch (CidaasSessionStoreException ex) when (!Response.HasStarted)
        {
            // The session could not be written (the distributed cache is down): a clear failure, no sign-in cookie.
            await CidaasFailurePage.WriteAsync(Response, new CidaasProtocolException(ex.Message, ex.InnerException!), Logger, Context.RequestAborted);
            return true;
        }
    }

    /// <summary>
    /// The challenge: a redirect to the authorization endpoint with a protected state, PKCE and a nonce, in the URL or
    /// pushed to the PAR endpoint first (<see cref="CidaasOptions.PushedAuthorizationBehavior"/>). A push that fails goes to
    /// <c>OnRemoteFailure</c>, then, unhandled, ends in a plain-text 502 page naming the cause.
    /// </summary>
    protected sealed override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        properties.RedirectUri = CidaasReturnUrl.ToLocal(properties.RedirectUri, OriginalPathBase + OriginalPath + Request.QueryString, OriginalPathBase, Logger);
        var redirectUri = BuildRedirectUri(Options.CallbackPath);
        GenerateCorrelationId(properties);
        Options.Telemetry?.Challenge(Scheme.Name);
        using var activity = CidaasTelemetry.StartActivity("cidaas.challenge", Scheme.Name);
        string url;
        try
        {
            url = await CidaasPushedAuthorization.FindEndpointAsync(Options, Logger, Context.RequestAborted) is { } parEndpoint
                ? await CidaasPushedAuthorization.PushAsync(Options, parEndpoint, properties, redirectUri, TimeProvider.GetUtcNow(), Logger, Context.RequestAborted)
                : CidaasAuthorizationRequestBuilder.Build(Options, properties, redirectUri, TimeProvider.GetUtcNow(), Logger);
        }
        catch (CidaasProtocolException ex)
        {
            CidaasTelemetry.SetOutcome(activity, CidaasTelemetry.Failure, CidaasTelemetry.ErrorType(ex.Message));
            CidaasSignInFailures.Log(Logger, ex);
            var failed = new RemoteFailureContext(Context, Scheme, Options, ex) { Properties = properties };
            await Events.RemoteFailure(failed);
            if (failed.Result?.Handled != true && !Response.HasStarted)
            {
                await CidaasFailurePage.WriteAsync(Response, ex, Logger, Context.RequestAborted, Microsoft.AspNetCore.Http.StatusCodes.Status502BadGateway);
            }

            return;
        }

        Logger.RedirectingToAuthorizationEndpoint(Options.AuthorizationEndpoint);
        await Events.RedirectToAuthorizationEndpoint(new CidaasRedirectContext(Context, Scheme, Options, properties, url));
    }

    /// <summary>
    /// The callback: the authorization response, the code exchange, the id_token, the user information, the ticket.
    /// One activity (<c>cidaas.callback</c>) spans it, with one per step inside; its outcome is counted
    /// (<c>cidaas.sign_ins</c>), and a failure with a CIDAAS id is logged once, at the level it calls for.
    /// </summary>
    protected sealed override async Task<HandleRequestResult> HandleRemoteAuthenticateAsync()
    {
        using var activity = CidaasTelemetry.StartActivity("cidaas.callback", Scheme.Name);
        HandleRequestResult result;
        try
        {
            result = await HandleCallbackAsync();
        }
        catch (Exception ex)
        {
            CompleteSignIn(activity, CidaasTelemetry.Failure, ex);
            throw;
        }

        CompleteSignIn(
            activity,
            result.Succeeded ? CidaasTelemetry.Success : result.Handled ? "handled" : result.Skipped ? "skipped" : CidaasTelemetry.Failure,
            result.Failure);
        return result;
    }

    private void CompleteSignIn(System.Diagnostics.Activity? activity, string outcome, Exception? failure)
    {
        var errorType = failure is null ? null : CidaasTelemetry.ErrorType(failure.Message);
        if (failure is not null && CidaasSignInFailures.IsIdentified(failure))
        {
            CidaasSignInFailures.Log(Logger, failure);
        }

        Options.Telemetry?.SignIn(Scheme.Name, outcome, errorType);
        CidaasTelemetry.SetOutcome(activity, outcome, errorType);
    }

    private async Task<HandleRequestResult> HandleCallbackAsync()
    {
        var stateFailure = CidaasAuthorizationResponseValidator.ValidateState(Request, Options.StateDataFormat, TimeProvider.GetUtcNow(), out var properties);
        if (stateFailure is not null || !ValidateCorrelationId(properties!))
        {
            return Fail(stateFailure ?? CidaasErrors.CorrelationFailed, properties);
        }

        try
        {
            var configuration = await CidaasConfigurationLoader.LoadAsync(Options, Logger, Context.RequestAborted);
            var responseFailure = CidaasAuthorizationResponseValidator.ValidateParameters(Request.Query, configuration, out var code, out var accessDenied);
            if (accessDenied)
            {
                var denied = await HandleAccessDeniedErrorAsync(properties!);
                return denied.None ? Fail(CidaasErrors.AccessDenied, properties) : denied;
            }

            if (responseFailure is not null)
            {
                return HandleRequestResult.Fail(responseFailure, properties);
            }

            CidaasFlowState.TakeSignInValues(properties!, out var redirectUri, out var codeVerifier, out var nonce);
            var requirements = CidaasFlowState.TakeAuthenticationRequirements(properties!);
            redirectUri ??= BuildRedirectUri(Options.CallbackPath);
            var codeReceived = new CidaasAuthorizationCodeReceivedContext(Context, Scheme, Options, properties!, code, redirectUri);
            if (await RaiseAsync(codeReceived, static (events, c) => events.AuthorizationCodeReceived(c)) is { } eventResult)
            {
                return eventResult;
            }

            using var tokens = codeReceived.TokenResponse ?? await ExchangeCodeInStepAsync(properties!, code, redirectUri, codeVerifier, codeReceived);
            return await AuthenticateWithTokensAsync(tokens, properties!, configuration, nonce, requirements);
        }
        catch (CidaasProtocolException ex)
        {
            return HandleRequestResult.Fail(ex, properties);
        }
    }

    private async Task<CidaasTokenResponse> ExchangeCodeInStepAsync(
        AuthenticationProperties properties, string code, string redirectUri, string? codeVerifier, CidaasAuthorizationCodeReceivedContext codeReceived)
    {
        using var step = CidaasTelemetry.StartActivity("cidaas.code_exchange", Scheme.Name);
        var tokens = await ExchangeCodeAsync(new CidaasCodeExchangeContext(properties, code, redirectUri, codeVerifier, codeReceived.TokenRequestParametersIfAny));
        CidaasTelemetry.SetOutcome(step, CidaasTelemetry.Success);
        return tokens;
    }

    /// <summary>The steps after the code exchange: the token response, the id_token, the user information, the ticket.</summary>
    private async Task<HandleRequestResult> AuthenticateWithTokensAsync(
        CidaasTokenResponse tokens, AuthenticationProperties properties, OpenIdConnectConfiguration configuration, string? nonce,
        CidaasAuthenticationRequirements requirements)
    {
        if (CidaasTokenClient.FindProblem(tokens) is { } tokenProblem)
        {
            return Fail(tokenProblem, properties);
        }

        if (await RaiseAsync(new CidaasTokenResponseReceivedContext(Context, Scheme, Options, properties, tokens), static (events, c) => events.TokenResponseReceived(c)) is { } tokensResult)
        {
            return tokensResult;
        }

        JsonWebToken? idToken = null;
        if (!string.IsNullOrEmpty(tokens.IdToken))
        {
            using (var step = CidaasTelemetry.StartActivity("cidaas.id_token_validation", Scheme.Name))
            {
                idToken = await Options.IdTokenValidator.ValidateAsync(
                    tokens.IdToken, nonce, tokens.AccessToken, configuration, Options.CreateIdTokenSettings(TimeProvider, Logger), Context.RequestAborted);
                requirements.Check(idToken, TimeProvider.GetUtcNow(), Options.TokenValidationParameters.ClockSkew);
                CidaasTelemetry.SetOutcome(step, CidaasTelemetry.Success);
            }

            Logger.IdTokenValidated(idToken.Subject);
            if (await RaiseAsync(new CidaasTokenValidatedContext(Context, Scheme, Options, properties, tokens, idToken), static (events, c) => events.TokenValidated(c)) is { } validatedResult)
            {
                return validatedResult;
            }
        }
        else if (nonce is not null)
        {
            return Fail(CidaasErrors.IdTokenMissing, properties);
        }
        else if (requirements.Any)
        {
            return Fail(CidaasErrors.AuthenticationRequirementsWithoutIdToken, properties);
        }

        using var user = Options.GetClaimsFromUserInfoEndpoint
            ? await GetUserInformationInStepAsync(tokens, properties)
            : idToken is not null ? JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(idToken.EncodedPayload)) : null;
        if (user is null)
        {
            return Fail(CidaasErrors.UserInfoSubjectMissing, properties);
        }

        if (Options.GetClaimsFromUserInfoEndpoint)
        {
            if (CidaasUserInfoClient.ValidateSubject(user.RootElement, idToken?.Subject, out var subject) is { } subjectFailure)
            {
                return Fail(subjectFailure, properties);
            }

            Logger.UserInformationReceived(subject);
            var userReceived = new CidaasUserInformationReceivedContext(Context, Scheme, Options, properties, tokens, user.RootElement);
            if (await RaiseAsync(userReceived, static (events, c) => events.UserInformationReceived(c)) is { } userResult)
            {
                return userResult;
            }
        }

        // Roles and groups that userinfo left out (no 'roles'/'groups' scope) come from the validated id_token.
        using var withIdTokenClaims = Options.GetClaimsFromUserInfoEndpoint && idToken is not null && Options.MapRolesAndGroupsFromIdToken
            ? CidaasTicketBuilder.AddIdTokenRolesAndGroups(user.RootElement, idToken)
            : null;
        CidaasSessionKeys.Stamp(properties, idToken, user.RootElement, TimeProvider.GetUtcNow());
        using var ticketStep = CidaasTelemetry.StartActivity("cidaas.ticket", Scheme.Name);
        var ticket = await CreateTicketAsync(
            new ClaimsIdentity(Scheme.Name, ClaimTypes.Name, ClaimTypes.Role), properties, tokens, idToken, (withIdTokenClaims ?? user).RootElement);
        CidaasTelemetry.SetOutcome(ticketStep, ticket.Succeeded ? CidaasTelemetry.Success : CidaasTelemetry.Failure);
        return ticket;
    }

    private async Task<JsonDocument> GetUserInformationInStepAsync(CidaasTokenResponse tokens, AuthenticationProperties properties)
    {
        using var step = CidaasTelemetry.StartActivity("cidaas.userinfo", Scheme.Name);
        var user = await GetUserInformationAsync(tokens, properties);
        CidaasTelemetry.SetOutcome(step, CidaasTelemetry.Success);
        return user;
    }

    /// <summary>
    /// Redeems the authorization code at the token endpoint, once: override to redeem it another way. The answer is
    /// still checked (an access token of type Bearer) after this method, and the id_token in it validated.
    /// </summary>
    /// <param name="context">The code, the <c>redirect_uri</c>, the PKCE verifier and the extra form parameters.</param>
    /// <returns>The token endpoint's answer.</returns>
    /// <exception cref="CidaasProtocolException">The exchange failed; the sign-in fails with this exception.</exception>
    protected virtual Task<CidaasTokenResponse> ExchangeCodeAsync(CidaasCodeExchangeContext context)
    {
        Logger.ExchangingCode(Options.TokenEndpoint, Options.ClientAuthenticationMethod);
        return Options.CreateTokenClient(Logger).ExchangeCodeAsync(
            Options.TokenEndpoint!, context.Code, context.RedirectUri, context.CodeVerifier, context.TokenRequestParametersIfAny, Context.RequestAborted);
    }

    /// <summary>
    /// Reads the user's claims from the userinfo endpoint with the access token: override to read them elsewhere. The
    /// answer's <c>sub</c> is still required, and must equal the id_token's, after this method.
    /// </summary>
    /// <param name="tokens">The token endpoint's answer, with the access token.</param>
    /// <param name="properties">The sign-in's properties.</param>
    /// <returns>The user JSON, a JSON object; the handler disposes it.</returns>
    /// <exception cref="CidaasProtocolException">The endpoint failed; the sign-in fails with this exception.</exception>
    protected virtual Task<JsonDocument> GetUserInformationAsync(CidaasTokenResponse tokens, AuthenticationProperties properties)
    {
        Logger.RequestingUserInformation(Options.UserInformationEndpoint);
        return CidaasUserInfoClient.GetUserInformationAsync(
            Options.Backchannel, Options.RequestCache.GetUri(Options.UserInformationEndpoint!), tokens.AccessToken!, Options.MaxBackchannelResponseSize, Options.BackchannelTimeout, Context.RequestAborted);
    }

    /// <summary>
    /// Builds the ticket: the claim actions over the user JSON, the saved tokens (<see cref="RemoteAuthenticationOptions.SaveTokens"/>)
    /// and <see cref="CidaasEvents.OnCreatingTicket"/>. Override to shape the identity; the return URL is still held to the
    /// local-URL rule.
    /// </summary>
    /// <param name="identity">The empty identity of the user, of this scheme.</param>
    /// <param name="properties">The sign-in's properties.</param>
    /// <param name="tokens">The token endpoint's answer.</param>
    /// <param name="idToken">The validated id_token, when there was one.</param>
    /// <param name="user">
    /// The user JSON: the userinfo answer (with the id_token's <c>roles</c> and <c>groups</c> where it has none, see
    /// <see cref="CidaasOptions.MapRolesAndGroupsFromIdToken"/>), or the id_token's payload.
    /// </param>
    /// <returns>The result of the sign-in.</returns>
    protected virtual async Task<HandleRequestResult> CreateTicketAsync(
        ClaimsIdentity identity, AuthenticationProperties properties, CidaasTokenResponse tokens, JsonWebToken? idToken, JsonElement user)
    {
        CidaasTicketBuilder.AddClaims(identity, Options.ClaimActions, user, ClaimsIssuer);
        if (Options.SaveTokens)
        {
            CidaasTicketBuilder.SaveTokens(properties, tokens, TimeProvider.GetUtcNow());
        }
        else
        {
            CidaasTicketBuilder.KeepSignOutHint(properties, tokens);
        }

        var context = new CidaasCreatingTicketContext(Context, Scheme, Options, new ClaimsPrincipal(identity), properties, tokens, idToken, user);
        await Events.CreatingTicket(context);
        return CidaasTicketBuilder.CreateResult(context, properties, OriginalPathBase);
    }

    /// <summary>The sign-out: signs out of the local scheme and redirects to cidaas's end-session endpoint.</summary>
    public virtual Task SignOutAsync(AuthenticationProperties? properties)
        => CidaasSignOutFlow.SignOutAsync(
            Context, Scheme, Options, Events, properties ?? new AuthenticationProperties(), BuildRedirectUri(Options.SignedOutCallbackPath), TimeProvider.GetUtcNow(), OriginalPathBase, Logger);

    /// <summary>Raises a callback event; its result, when it decided the sign-in (handled, skipped, failed or succeeded).</summary>
    private async Task<HandleRequestResult?> RaiseAsync<TContext>(TContext context, Func<CidaasEvents, TContext, Task> raise)
        where TContext : HandleRequestContext<CidaasOptions>
    {
        await raise(Events, context);
        return context.Result;
    }

    private static HandleRequestResult Fail(string message, AuthenticationProperties? properties)
        => HandleRequestResult.Fail(new CidaasProtocolException(message), properties);
}
