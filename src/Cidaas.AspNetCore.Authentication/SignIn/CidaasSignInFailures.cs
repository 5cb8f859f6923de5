using Cidaas.AspNetCore.Authentication.Diagnostics;
using Cidaas.AspNetCore.Authentication.Protocol;
using Microsoft.Extensions.Logging;

namespace Cidaas.AspNetCore.Authentication.SignIn;

/// <summary>
/// Sorts a failed sign-in by who has to act on it, from its CIDAAS id (and the OAuth error cidaas sent), and logs it
/// once at the matching level with what to do: Information for the user's doing, Warning for an attack-shaped request,
/// Error for a misconfiguration or an unreachable cidaas. The table is in the README ("In production").
/// </summary>
internal static class CidaasSignInFailures
{
    private const string UserAction = "Nothing to fix: the user can start the sign-in again.";
    private const string AttackAction = "Nothing to fix unless every sign-in fails this way (then check that all instances share the Data Protection key ring and the Authority): the callback was forged, tampered with, replayed or mixed up.";
    private const string ConfigurationAction = "Check ClientId/ClientSecret, the Authority and the app's redirect URLs in cidaas (the callback URL must be registered exactly), and the scopes the cidaas app may ask for.";
    private const string UnavailableAction = "Check that cidaas is reachable from this host (Authority, DNS, proxy, firewall) and answers within BackchannelTimeout.";

    /// <summary>Whether the failure is one of this package's (a CIDAAS id): those are logged here, others by ASP.NET Core.</summary>
    public static bool IsIdentified(Exception failure) => CidaasTelemetry.ErrorType(failure.Message) != "_OTHER";

    public static CidaasFailureKind Classify(Exception failure)
    {
        if (failure is CidaasProtocolException { Kind: { } kind })
        {
            return kind;
        }

        var error = (failure as CidaasProtocolException)?.Error;
        return CidaasTelemetry.ErrorType(failure.Message) switch
        {
            "CIDAAS1003" or "CIDAAS1004" or "CIDAAS1011" => CidaasFailureKind.User,
            "CIDAAS1012" => CidaasFailureKinds.OfAuthorizationError(error),
            "CIDAAS2001" => CidaasFailureKinds.OfTokenError(error),
            "CIDAAS1001" or "CIDAAS1002" or "CIDAAS1005" or "CIDAAS1006" or "CIDAAS1007" or "CIDAAS1008" or "CIDAAS1009" or "CIDAAS1010"
                or "CIDAAS2012" or "CIDAAS3002" => CidaasFailureKind.Attack,
            "CIDAAS2003" or "CIDAAS2006" or "CIDAAS2007" or "CIDAAS2008" or "CIDAAS3003" => CidaasFailureKind.Unavailable,
            _ => CidaasFailureKind.Configuration,
        };
    }

    /// <summary>Logs an identified failure once (event 12, SignInFailed) at its level, with what to do.</summary>
    public static void Log(ILogger logger, Exception failure)
    {
        var kind = Classify(failure);
        var level = CidaasFailureKinds.LevelOf(kind);
        if (logger.IsEnabled(level))
        {
            logger.SignInFailed(level, failure.Message, kind switch
            {
                CidaasFailureKind.User => UserAction,
                CidaasFailureKind.Attack => AttackAction,
                CidaasFailureKind.Unavailable => UnavailableAction,
                _ => ConfigurationAction,
            });
        }
    }
}
