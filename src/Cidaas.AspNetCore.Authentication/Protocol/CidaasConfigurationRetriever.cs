using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>
/// Reads the discovery document and refuses one whose issuer is missing or is not the expected one. A refused document
/// never becomes the configuration manager's current one: the last good document keeps serving, and after a refresh the
/// next request fetches again, where a stored broken document would be handed out (stale, while a background refresh
/// runs) until it was replaced.
/// </summary>
internal sealed class CidaasConfigurationRetriever : IConfigurationRetriever<OpenIdConnectConfiguration>
{
    private readonly string? _expectedIssuer;
    private readonly Func<string?, string> _describeIssuerProblem;

    /// <param name="expectedIssuer">The issuer the document must name (compared without a trailing slash); <see langword="null"/> checks only that it names one.</param>
    /// <param name="describeIssuerProblem">The failure message for the issuer the document named (<see langword="null"/> when none).</param>
    public CidaasConfigurationRetriever(string? expectedIssuer, Func<string?, string> describeIssuerProblem)
    {
        _expectedIssuer = expectedIssuer is null ? null : CidaasUrls.TrimTrailingSlash(expectedIssuer);
        _describeIssuerProblem = describeIssuerProblem;
    }

    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
    {
        var configuration = await OpenIdConnectConfigurationRetriever.GetAsync(address, retriever, cancel);
        if (string.IsNullOrEmpty(configuration.Issuer)
            || (_expectedIssuer is not null && !string.Equals(CidaasUrls.TrimTrailingSlash(configuration.Issuer), _expectedIssuer, StringComparison.Ordinal)))
        {
            throw new CidaasProtocolException(_describeIssuerProblem(NullIfEmpty(configuration.Issuer)));
        }

        return configuration;
    }

    /// <summary>The refusal of this retriever when <paramref name="exception"/> (as the configuration manager wraps it) is one.</summary>
    public static CidaasProtocolException? FindRefusal(Exception exception)
        => exception as CidaasProtocolException ?? exception.InnerException as CidaasProtocolException;

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
