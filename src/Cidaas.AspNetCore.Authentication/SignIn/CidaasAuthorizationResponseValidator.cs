using Cidaas.AspNetCore.Authentication.Protocol;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Cidaas.AspNetCore.Authentication.SignIn;

/// <summary>
/// The callback: the checks of the authorization response (RFC 6749 §4.1.2), in this order: a GET, no parameter twice,
/// the <c>state</c> (present, unprotected, of a sign-in, not expired: <see cref="ValidateState"/>), then, after the
/// handler checked the correlation cookie, the issuer (RFC 9207), cidaas's <c>error</c> and the <c>code</c>
/// (<see cref="ValidateParameters"/>).
/// </summary>
internal static class CidaasAuthorizationResponseValidator
{
    private static readonly string[] SingleValuedParameters =
        [CidaasParameterNames.State, CidaasParameterNames.Code, CidaasParameterNames.Error, CidaasParameterNames.ErrorDescription, CidaasParameterNames.ErrorUri, CidaasParameterNames.Issuer];

    /// <summary>Reads the state of the sign-in the response belongs to.</summary>
    /// <param name="request">The callback request.</param>
    /// <param name="stateFormat">The scheme's state format.</param>
    /// <param name="now">The time of the callback.</param>
    /// <param name="properties">The sign-in's properties; set also when the only problem is that the state has expired.</param>
    /// <returns>The failure message, or <see langword="null"/> when the state is good.</returns>
    public static string? ValidateState(HttpRequest request, ISecureDataFormat<AuthenticationProperties> stateFormat, DateTimeOffset now, out AuthenticationProperties? properties)
    {
        properties = null;
        if (!HttpMethods.IsGet(request.Method))
        {
            return CidaasErrors.WrongMethod;
        }

        var query = request.Query;
        foreach (var name in SingleValuedParameters)
        {
            if (query[name].Count > 1)
            {
                return CidaasErrors.DuplicateParameter(name);
            }
        }

        var stateValue = query[CidaasParameterNames.State].ToString();
        if (string.IsNullOrEmpty(stateValue))
        {
            return CidaasErrors.StateMissing;
        }

        var state = stateFormat.Unprotect(stateValue);
        if (state is null)
        {
            return CidaasErrors.StateInvalid;
        }

        if (!CidaasFlowState.HasPurpose(state, CidaasStateKeys.SignInPurpose))
        {
            return CidaasErrors.StateNotForSignIn;
        }

        properties = state;
        return CidaasFlowState.IsExpired(state, now) ? CidaasErrors.StateExpired : null;
    }

    /// <summary>Checks the issuer, then reads cidaas's error or the code.</summary>
    /// <param name="query">The callback's query.</param>
    /// <param name="configuration">The issuer's discovery document.</param>
    /// <param name="code">The authorization code, when the response is good.</param>
    /// <param name="accessDenied">Whether cidaas answered <c>access_denied</c>: the handler runs the access-denied path then.</param>
    /// <returns>The failure, which carries the OAuth error when cidaas sent one; <see langword="null"/> otherwise.</returns>
    public static CidaasProtocolException? ValidateParameters(IQueryCollection query, OpenIdConnectConfiguration configuration, out string code, out bool accessDenied)
    {
        code = string.Empty;
        accessDenied = false;
        var issuerFailure = ValidateIssuer(query, configuration);
        if (issuerFailure is not null)
        {
            return new CidaasProtocolException(issuerFailure);
        }

        var error = query[CidaasParameterNames.Error].ToString();
        if (!string.IsNullOrEmpty(error))
        {
            if (error == "access_denied")
            {
                accessDenied = true;
                return null;
            }

            var description = NullIfEmpty(query[CidaasParameterNames.ErrorDescription].ToString());
            return new CidaasProtocolException(
                CidaasErrors.AuthorizationError(error, description), error, description, NullIfEmpty(query[CidaasParameterNames.ErrorUri].ToString()));
        }

        code = query[CidaasParameterNames.Code].ToString();
        return string.IsNullOrEmpty(code) ? new CidaasProtocolException(CidaasErrors.CodeMissing) : null;
    }

    /// <summary>RFC 9207: the <c>iss</c> of the authorization response must be the issuer; when cidaas announces it, it must be there.</summary>
    private static string? ValidateIssuer(IQueryCollection query, OpenIdConnectConfiguration configuration)
    {
        var iss = query[CidaasParameterNames.Issuer];
        if (iss.Count == 0)
        {
            return configuration.AuthorizationResponseIssParameterSupported ? CidaasErrors.IssuerMissing : null;
        }

        return string.Equals(iss[0], configuration.Issuer, StringComparison.Ordinal) ? null : CidaasErrors.IssuerMismatch;
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
