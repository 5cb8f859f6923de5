using System.Text;
using Cidaas.AspNetCore.Authentication.Protocol;

namespace Cidaas.AspNetCore.Authentication;

/// <summary>
/// Collects the mistakes of a cidaas options object, one line each, so that <c>Validate()</c> names every one at once.
/// The checks the sign-in and the bearer options share (the authority, the endpoint addresses, the back channel, the
/// client authentication method) are written here once. <see cref="CheckAuthority"/> says whether the authority is
/// usable, so that a caller can leave out what would only repeat that mistake for the addresses derived from it.
/// </summary>
internal sealed class CidaasOptionsChecker
{
    private const string Authority = "Authority";
    private const string RequireHttpsMetadata = "RequireHttpsMetadata";

    private readonly StringBuilder _errors = new();
    private readonly bool _requireHttpsMetadata;

    /// <param name="requireHttpsMetadata">The options' <c>RequireHttpsMetadata</c>: addresses other than loopback ones must use https.</param>
    public CidaasOptionsChecker(bool requireHttpsMetadata) => _requireHttpsMetadata = requireHttpsMetadata;

    public void Add(string message) => _errors.AppendLine(message);

    /// <summary>The cidaas base URL: set, absolute http(s), https unless loopback or allowed, no query or fragment.</summary>
    /// <returns>Whether the authority is usable.</returns>
    public bool CheckAuthority(string? authority)
    {
        if (string.IsNullOrWhiteSpace(authority))
        {
            Add($"The '{Authority}' option must be set to the cidaas base URL, for example https://your-tenant.cidaas.eu.");
        }
        else if (!Uri.TryCreate(authority, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            Add($"The '{Authority}' option must be an absolute http or https URL; '{authority}' is not.");
        }
        else if (uri.Scheme != Uri.UriSchemeHttps && _requireHttpsMetadata && !CidaasUrls.IsLoopback(authority))
        {
            Add($"The '{Authority}' option must use https unless '{RequireHttpsMetadata}' is false (plain http is allowed only for loopback addresses).");
        }
        else if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            Add($"The '{Authority}' option must not carry a query string or a fragment.");
        }
        else
        {
            return true;
        }

        return false;
    }

    /// <summary>An endpoint address, when set: absolute http(s), https unless loopback or allowed.</summary>
    public void CheckEndpoint(string? value, string name)
    {
        if (value is null)
        {
            return;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            Add($"The '{name}' option must be an absolute http or https URL.");
        }
        else if (uri.Scheme != Uri.UriSchemeHttps && _requireHttpsMetadata && !CidaasUrls.IsLoopback(value))
        {
            Add($"The '{name}' option must use https unless '{RequireHttpsMetadata}' is false.");
        }
    }

    public void CheckClientAuthenticationMethod(CidaasClientAuthenticationMethod method)
    {
        if (!Enum.IsDefined(method))
        {
            Add("The 'ClientAuthenticationMethod' option must be ClientSecretPost or ClientSecretBasic.");
        }
    }

    public void CheckBackchannel(int maxResponseSize, TimeSpan timeout)
    {
        if (maxResponseSize <= 0)
        {
            Add("The 'MaxBackchannelResponseSize' option must be a positive number of bytes.");
        }

        if (timeout <= TimeSpan.Zero)
        {
            Add("The 'BackchannelTimeout' option must be a positive time span.");
        }
    }

    /// <summary>Throws one <see cref="ArgumentException"/> with every mistake found, under <paramref name="title"/>.</summary>
    public void ThrowIfAny(string title)
    {
        if (_errors.Length > 0)
        {
            throw new ArgumentException(title + Environment.NewLine + _errors.ToString().TrimEnd());
        }
    }
}
