using System.Globalization;
using Cidaas.AspNetCore.Authentication.Protocol;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Cidaas.AspNetCore.Authentication.SignIn;

/// <summary>
/// What a challenge asked of the user's authentication, read back from the protected state: the <c>max_age</c> it sent
/// (OpenID Connect Core §3.1.2.1: the id_token must then carry <c>auth_time</c>, §3.1.3.7 item 13: not older than
/// <c>max_age</c>) and the <c>acr</c> values it requires (<see cref="CidaasOptions.RequireAcr"/>). A missing
/// <c>auth_time</c> without <c>max_age</c> is fine: cidaas may send it always, or never.
/// </summary>
/// <param name="MaxAge">The <c>max_age</c> sent, in seconds as sent; <see langword="null"/> when none was.</param>
/// <param name="RequiredAcr">The <c>acr_values</c> sent, one of which the id_token's <c>acr</c> must be; <see langword="null"/> for no requirement.</param>
internal readonly record struct CidaasAuthenticationRequirements(string? MaxAge, string? RequiredAcr)
{
    public bool Any => MaxAge is not null || RequiredAcr is not null;

    /// <summary>Checks the validated id_token; throws <see cref="CidaasProtocolException"/> (CIDAAS3020–3023) naming the first requirement it misses.</summary>
    public void Check(JsonWebToken? idToken, DateTimeOffset now, TimeSpan clockSkew)
    {
        if (!Any)
        {
            return;
        }

        if (idToken is null)
        {
            throw new CidaasProtocolException(CidaasErrors.AuthenticationRequirementsWithoutIdToken);
        }

        if (MaxAge is not null)
        {
            // The state is protected, so this holds what the challenge wrote; fail closed all the same.
            if (!CidaasChallengeParameterRules.TryParseMaxAge(MaxAge, out var maxAge))
            {
                throw new CidaasProtocolException(CidaasErrors.AuthTimeMissing);
            }

            if (!idToken.TryGetPayloadValue<object>("auth_time", out var value) || value is not (long or int or double or decimal))
            {
                throw new CidaasProtocolException(CidaasErrors.AuthTimeMissing);
            }

            var authTime = DateTimeOffset.FromUnixTimeSeconds((long)Math.Floor(Convert.ToDouble(value, CultureInfo.InvariantCulture)));
            if (authTime > now + clockSkew)
            {
                throw new CidaasProtocolException(CidaasErrors.AuthTimeTooOld("its 'auth_time' lies in the future."));
            }

            if (authTime + maxAge < now - clockSkew)
            {
                throw new CidaasProtocolException(CidaasErrors.AuthTimeTooOld(
                    $"the user authenticated {((long)(now - authTime).TotalSeconds).ToString(CultureInfo.InvariantCulture)} seconds ago, more than the max_age of {MaxAge} seconds (plus the clock skew) allows."));
            }
        }

        if (RequiredAcr is not null)
        {
            idToken.TryGetPayloadValue<string>("acr", out var acr);
            if (string.IsNullOrEmpty(acr) || !RequiredAcr.Split(' ').Contains(acr, StringComparer.Ordinal))
            {
                throw new CidaasProtocolException(CidaasErrors.AcrNotMet(acr));
            }
        }
    }
}
