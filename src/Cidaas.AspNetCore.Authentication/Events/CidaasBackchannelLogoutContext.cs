using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace Cidaas.AspNetCore.Authentication;

/// <summary>
/// The context of a back-channel logout (<see cref="CidaasEvents.OnBackchannelLogout"/>): the logout token passed every
/// check, and the sessions it names are about to be ended. Call <see cref="Refuse"/> to answer 400 and end nothing.
/// </summary>
public class CidaasBackchannelLogoutContext : BaseContext<CidaasOptions>
{
    /// <summary>Creates the context.</summary>
    public CidaasBackchannelLogoutContext(HttpContext context, AuthenticationScheme scheme, CidaasOptions options, string? subject, string? sessionId)
        : base(context, scheme, options)
    {
        Subject = subject;
        SessionId = sessionId;
    }

    /// <summary>The logout token's <c>sub</c>, when it has one: without <see cref="SessionId"/>, every session of this user ends.</summary>
    public string? Subject { get; }

    /// <summary>The logout token's <c>sid</c> (the cidaas session), when it has one: the sessions of that cidaas session end.</summary>
    public string? SessionId { get; }

    /// <summary>Whether <see cref="Refuse"/> was called.</summary>
    public bool Refused { get; private set; }

    /// <summary>Ends nothing and answers cidaas with 400 (<c>error=invalid_request</c>).</summary>
    public void Refuse() => Refused = true;
}
