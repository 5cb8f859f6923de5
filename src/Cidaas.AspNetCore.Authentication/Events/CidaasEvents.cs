using Microsoft.AspNetCore.Authentication;

namespace Cidaas.AspNetCore.Authentication;

/// <summary>
/// The events of the cidaas handler. Set the <c>OnX</c> delegates, or derive and override the methods and register
/// the type with <see cref="AuthenticationSchemeOptions.EventsType"/>.
/// </summary>
public class CidaasEvents : RemoteAuthenticationEvents
{
    /// <summary>Before the redirect to the authorization endpoint; change <see cref="CidaasRedirectContext.RedirectUri"/> or handle the response.</summary>
    public Func<CidaasRedirectContext, Task> OnRedirectToAuthorizationEndpoint { get; set; } = context =>
    {
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    };

    /// <summary>After the authorization code arrived and before it is exchanged; may redeem it itself, skip, handle or fail.</summary>
    public Func<CidaasAuthorizationCodeReceivedContext, Task> OnAuthorizationCodeReceived { get; set; } = _ => Task.CompletedTask;

    /// <summary>After the token endpoint answered successfully, before any token is validated.</summary>
    public Func<CidaasTokenResponseReceivedContext, Task> OnTokenResponseReceived { get; set; } = _ => Task.CompletedTask;

    /// <summary>After the id_token passed every check.</summary>
    public Func<CidaasTokenValidatedContext, Task> OnTokenValidated { get; set; } = _ => Task.CompletedTask;

    /// <summary>After the userinfo endpoint answered and its subject matched the id_token.</summary>
    public Func<CidaasUserInformationReceivedContext, Task> OnUserInformationReceived { get; set; } = _ => Task.CompletedTask;

    /// <summary>After the claims were built and before the ticket is created; add claims or fail here.</summary>
    public Func<CidaasCreatingTicketContext, Task> OnCreatingTicket { get; set; } = _ => Task.CompletedTask;

    /// <summary>Before the redirect to the end-session endpoint; change <see cref="CidaasRedirectContext.RedirectUri"/> or handle the response.</summary>
    public Func<CidaasRedirectContext, Task> OnRedirectToIdentityProviderForSignOut { get; set; } = context =>
    {
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    };

    /// <summary>When cidaas sends the user back to <see cref="CidaasOptions.SignedOutCallbackPath"/>; change the redirect or handle the response.</summary>
    public Func<CidaasSignedOutCallbackContext, Task> OnSignedOutCallbackRedirect { get; set; } = _ => Task.CompletedTask;

    /// <summary>
    /// After a logout token at <see cref="CidaasOptions.BackchannelLogoutPath"/> passed every check and before the sessions
    /// it names are ended; observe it, or veto it with <see cref="CidaasBackchannelLogoutContext.Refuse"/>.
    /// </summary>
    public Func<CidaasBackchannelLogoutContext, Task> OnBackchannelLogout { get; set; } = _ => Task.CompletedTask;

    /// <summary>Invokes <see cref="OnBackchannelLogout"/>.</summary>
    public virtual Task BackchannelLogout(CidaasBackchannelLogoutContext context) => OnBackchannelLogout(context);

    /// <summary>Invokes <see cref="OnRedirectToAuthorizationEndpoint"/>.</summary>
    public virtual Task RedirectToAuthorizationEndpoint(CidaasRedirectContext context) => OnRedirectToAuthorizationEndpoint(context);

    /// <summary>Invokes <see cref="OnAuthorizationCodeReceived"/>.</summary>
    public virtual Task AuthorizationCodeReceived(CidaasAuthorizationCodeReceivedContext context) => OnAuthorizationCodeReceived(context);

    /// <summary>Invokes <see cref="OnTokenResponseReceived"/>.</summary>
    public virtual Task TokenResponseReceived(CidaasTokenResponseReceivedContext context) => OnTokenResponseReceived(context);

    /// <summary>Invokes <see cref="OnTokenValidated"/>.</summary>
    public virtual Task TokenValidated(CidaasTokenValidatedContext context) => OnTokenValidated(context);

    /// <summary>Invokes <see cref="OnUserInformationReceived"/>.</summary>
    public virtual Task UserInformationReceived(CidaasUserInformationReceivedContext context) => OnUserInformationReceived(context);

    /// <summary>Invokes <see cref="OnCreatingTicket"/>.</summary>
    public virtual Task CreatingTicket(CidaasCreatingTicketContext context) => OnCreatingTicket(context);

    /// <summary>Invokes <see cref="OnRedirectToIdentityProviderForSignOut"/>.</summary>
    public virtual Task RedirectToIdentityProviderForSignOut(CidaasRedirectContext context) => OnRedirectToIdentityProviderForSignOut(context);

    /// <summary>Invokes <see cref="OnSignedOutCallbackRedirect"/>.</summary>
    public virtual Task SignedOutCallbackRedirect(CidaasSignedOutCallbackContext context) => OnSignedOutCallbackRedirect(context);
}
