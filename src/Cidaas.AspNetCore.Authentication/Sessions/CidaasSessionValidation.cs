using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cidaas.AspNetCore.Authentication.Sessions;

/// <summary>
/// Hooks every cookie scheme's <see cref="CookieAuthenticationEvents.OnValidatePrincipal"/>, before the host's own handler:
/// a ticket of a cidaas sign-in whose session was ended (<see cref="CidaasEndedSessions"/>) is rejected and the cookie
/// signed out, so the user is anonymous on that request and <c>[Authorize]</c> challenges. With server-side sessions,
/// <see cref="CidaasTicketStore"/> has usually shown already, in the round trip that read the ticket, that the session
/// was not ended; then nothing more is read. When the cache cannot be read, the ticket is rejected for this request
/// only (fail closed) and the cookie kept, so the session comes back with the cache. Tickets that no cidaas sign-in issued are left alone. A scheme that sets
/// <see cref="AuthenticationSchemeOptions.EventsType"/> calls <see cref="CidaasCookieValidation.ValidatePrincipalAsync"/> itself.
/// </summary>
internal sealed class CidaasSessionValidation : IPostConfigureOptions<CookieAuthenticationOptions>
{
    public void PostConfigure(string? name, CookieAuthenticationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var inner = options.Events.OnValidatePrincipal;
        options.Events.OnValidatePrincipal = async context =>
        {
            if (await ValidateAsync(context))
            {
                await inner(context);
            }
        };
    }

    /// <summary>Rejects the principal of an ended session; whether it is still valid.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "A cache that cannot be read rejects the session for this request (fail closed), never a 500.")]
    public static async Task<bool> ValidateAsync(CookieValidatePrincipalContext context)
    {
        var (subject, sessionId, _) = CidaasSessionKeys.Read(context.Properties);
        if ((subject is null && sessionId is null) || CidaasEndedSessions.WasChecked(context.HttpContext, context.Properties))
        {
            return true;
        }

        var services = context.HttpContext.RequestServices;
        var store = services.GetRequiredService<CidaasSessionStore>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger<CidaasSessionStore>();
        var cancellationToken = context.HttpContext.RequestAborted;
        bool ended;
        try
        {
            ended = await CidaasEndedSessions.IsEndedAsync(store.Cache, context.Properties, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.SessionStoreUnavailable(ex.GetType().Name, ex);
            context.RejectPrincipal();
            return false;
        }

        if (!ended)
        {
            return true;
        }

        logger.SessionEnded();
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(context.Scheme.Name);
        return false;
    }
}
