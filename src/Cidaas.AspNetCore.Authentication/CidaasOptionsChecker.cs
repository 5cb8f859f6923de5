using System.Text;
using Cidaas.AspNetCore.Authentication.Protocol;

namespace Cidaas.AspNetCore.Authentication;

/// <summary>
/// Collects the mistakes of a cidaas options object, one line each, so that <c>Validate()</c> names every one at once.
/// The checks the sign-in and the bearer options share (the authority, the endpoint addresses, the back channel, the
/// client authentication method) are written here once. <see cref="CheckAuthority"/> says whether the authority is
/// usable; an address derived from an unusable authority is not checked again (<see cref="CheckEndpoint"/>), so that one
/// mistake gets one line. With the scheme's configuration keys (<see cref="CidaasConfigurationKeys"/>), each option that
/// can be set from configuration is named with its key, the way the host's user typed it.
/// </summary>
internal sealed class CidaasOptionsChecker
{
    private const string Authority = "Authority";
    private const string RequireHttpsMetadata = "RequireHttpsMetadata";

    private readonly StringBuilder _errors = new();
    private readonly bool _requireHttpsMetadata;
    private readonly CidaasConfigurationKeys? _keys;
    private string? _unusableAuthority;

    /// <param name="requireHttpsMetadata">The options' <c>RequireHttpsMetadata</c>: addresses other than loopback ones must use https.</param>
    /// <param name="keys">The configuration keys of the scheme's options; <see langword="null"/> names the options alone.</param>
    public CidaasOptionsChecker(bool requireHttpsMetadata, CidaasConfigurationKeys? keys = null)
    {
        _requireHttpsMetadata = requireHttpsMetadata;
        _keys = keys;
    }

    public void Add(string message) => _errors.AppendLine(message);

    /// <summary>Whether a mistake was found.</summary>
    public bool HasErrors => _errors.Length > 0;

    /// <summary>
    /// An option as a message names it: <c>'ClientSecret' option</c>, followed by its configuration key when it has one,
    /// <c>'ClientSecret' option (configuration key 'Authentication:Schemes:Cidaas:ClientSecret')</c>.
    /// </summary>
    public string Option(string name)
        => _keys?.KeyOf(name) is { } key ? $"'{name}' option (configuration key '{key}')" : $"'{name}' option";

    /// <summary>The cidaas base URL: set, absolute http(s), https unless loopback or allowed, no query or fragment.</summary>
    /// <returns>Whether the authority is usable.</returns>
    public bool CheckAuthority(string? authority)
    {
        _unusableAuthority = authority;
        if (string.IsNullOrWhiteSpace(authority))
        {
            Add($"The {Option(Authority)} must be set to the cidaas base URL, for example https://your-tenant.cidaas.eu.");
        }
        else if (!Uri.TryCreate(authority, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            Add($"The {Option(Authority)} must be an absolute http or https URL; '{authority}' is not.");
        }
        else if (uri.Scheme != Uri.UriSchemeHttps && _requireHttpsMetadata && !CidaasUrls.IsLoopback(authority))
        {
            Add($"The {Option(Authority)} must use https unless '{RequireHttpsMetadata}' is false (plain http is allowed only for loopback addresses).");
        }
        else if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            Add($"The {Option(Authority)} must not carry a query string or a fragment.");
        }
        else
        {
            _unusableAuthority = null;
            return true;
        }

        return false;
    }

    /// <summary>
    /// An endpoint address, when set: absolute http(s), https unless loopback or allowed. An address derived from an
    /// authority that <see cref="CheckAuthority"/> refused (the authority and <paramref name="derivedPath"/>) is left out:
    /// the user never set it, and the authority's line already names the mistake.
    /// </summary>
    public void CheckEndpoint(string? value, string name, string? derivedPath = null)
    {
        if (value is null || (derivedPath is not null && IsDerivedFromUnusableAuthority(value, derivedPath)))
        {
            return;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            Add($"The {Option(name)} must be an absolute http or https URL.");
        }
        else if (uri.Scheme != Uri.UriSchemeHttps && _requireHttpsMetadata && !CidaasUrls.IsLoopback(value))
        {
            Add($"The {Option(name)} must use https unless '{RequireHttpsMetadata}' is false.");
        }
    }

    public void CheckClientAuthenticationMethod(CidaasClientAuthenticationMethod method)
    {
        if (!Enum.IsDefined(method))
        {
            Add($"The {Option("ClientAuthenticationMethod")} must be ClientSecretPost or ClientSecretBasic.");
        }
    }

    public void CheckBackchannel(int maxResponseSize, TimeSpan timeout)
    {
        if (maxResponseSize <= 0)
        {
            Add($"The {Option("MaxBackchannelResponseSize")} must be a positive number of bytes.");
        }

        if (timeout <= TimeSpan.Zero)
        {
            Add($"The {Option("BackchannelTimeout")} must be a positive time span.");
        }
    }

    private bool IsDerivedFromUnusableAuthority(string value, string derivedPath)
        => !string.IsNullOrEmpty(_unusableAuthority)
        && string.Equals(value, CidaasUrls.Combine(CidaasUrls.TrimTrailingSlash(_unusableAuthority), derivedPath), StringComparison.Ordinal);

    /// <summary>Throws one <see cref="ArgumentException"/> with every mistake found, under <paramref name="title"/>.</summary>
    public void ThrowIfAny(string title)
    {
        if (_errors.Length > 0)
        {
            throw new ArgumentException(title + Environment.NewLine + _errors.ToString().TrimEnd());
        }
    }
}
