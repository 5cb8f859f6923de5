using System.Text;
using Cidaas.AspNetCore.Authentication.Protocol;
using Microsoft.IdentityModel.Tokens;

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
        foreach (var (option, problem) in keys?.Unreadable.OrderBy(u => u.Key, StringComparer.Ordinal) ?? Enumerable.Empty<KeyValuePair<string, string>>())
        {
            // The value is not repeated: a misplaced secret must not end up in a message.
            Add($"The {Option(option)} {problem}");
        }
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
            Add($"The {Option("ClientAuthenticationMethod")} must be ClientSecretPost, ClientSecretBasic, ClientSecretJwt or PrivateKeyJwt (in configuration also by the names cidaas and RFC 8414 use: client_secret_post, client_secret_basic, client_secret_jwt or private_key_jwt).");
        }
    }

    /// <summary>
    /// What the client authentication method needs (issue 16): a secret for the secret methods, one of at least 32 UTF-8
    /// bytes for <c>client_secret_jwt</c> (an HS256 key of 256 bits), an asymmetric private key with an RSA or EC algorithm
    /// for <c>private_key_jwt</c>, and an issuer for assertions addressed to it.
    /// </summary>
    /// <param name="method">The client authentication method.</param>
    /// <param name="clientSecret">The client secret.</param>
    /// <param name="credentials">The private key of <c>private_key_jwt</c>.</param>
    /// <param name="audience">The assertions' audience.</param>
    /// <param name="hasIssuer">Whether an issuer (the authority) is known.</param>
    /// <param name="secretRequirement">Why the secret is needed, ending the "must be set" line.</param>
    public void CheckClientAuthentication(
        CidaasClientAuthenticationMethod method, string? clientSecret, SigningCredentials? credentials, CidaasClientAssertionAudience audience, bool hasIssuer, string secretRequirement)
    {
        CheckClientAuthenticationMethod(method);
        if (method != CidaasClientAuthenticationMethod.PrivateKeyJwt && string.IsNullOrEmpty(clientSecret))
        {
            Add($"The {Option("ClientSecret")} must be set {secretRequirement}.");
        }
        else if (method == CidaasClientAuthenticationMethod.ClientSecretJwt && !IsHs256Key(clientSecret))
        {
            Add($"The {Option("ClientSecret")} must be at least 32 bytes long (UTF-8) when the {Option("ClientAuthenticationMethod")} is ClientSecretJwt: HS256 needs a key of 256 bits. Have cidaas generate a longer secret, or use PrivateKeyJwt.");
        }

        if (method == CidaasClientAuthenticationMethod.PrivateKeyJwt)
        {
            if (credentials is null)
            {
                Add($"The {Option("ClientSigningCredentials")} must be set when the {Option("ClientAuthenticationMethod")} is PrivateKeyJwt: the client's private key (RSA or EC SigningCredentials, or X509SigningCredentials of a certificate with its private key).");
            }
            else if (!IsPrivateSigningKey(credentials))
            {
                Add($"The {Option("ClientSigningCredentials")} must hold an RSA or EC private key and one of the algorithms {string.Join(", ", AssertionAlgorithms)}; a symmetric key, a public key alone or the algorithm '{CidaasErrors.Clean(credentials.Algorithm ?? "(none)")}' cannot sign a private_key_jwt assertion.");
            }
        }

        if (!Enum.IsDefined(audience))
        {
            Add($"The {Option("ClientAssertionAudience")} must be Endpoint or Issuer.");
        }
        else if (audience == CidaasClientAssertionAudience.Issuer && !hasIssuer && method is CidaasClientAuthenticationMethod.ClientSecretJwt or CidaasClientAuthenticationMethod.PrivateKeyJwt)
        {
            Add($"The {Option("ClientAssertionAudience")} Issuer needs the {Option(Authority)}: the issuer is the assertions' audience.");
        }
    }

    /// <summary>The algorithms of <c>private_key_jwt</c> assertions: RSA (PKCS#1 v1.5 and PSS) and ECDSA; cidaas advertises RS256.</summary>
    internal static readonly string[] AssertionAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    /// <summary>Whether a secret is long enough to be an HS256 key (RFC 7518 §3.2: a key of at least 256 bits).</summary>
    internal static bool IsHs256Key(string? secret) => !string.IsNullOrEmpty(secret) && Encoding.UTF8.GetByteCount(secret) >= 32;

    private static bool IsPrivateSigningKey(SigningCredentials credentials)
    {
        if (!AssertionAlgorithms.Contains(credentials.Algorithm, StringComparer.Ordinal))
        {
            return false;
        }

        var asymmetric = credentials.Key switch
        {
            AsymmetricSecurityKey key => key.PrivateKeyStatus != PrivateKeyStatus.DoesNotExist,
            JsonWebKey jwk => jwk.Kty is JsonWebAlgorithmsKeyTypes.RSA or JsonWebAlgorithmsKeyTypes.EllipticCurve && !string.IsNullOrEmpty(jwk.D),
            _ => false,
        };
        return asymmetric && CanSign(credentials);
    }

    // An RSA or ECDsa object does not say whether it holds the private half ("Unknown"): one signature tells, once at start.
    private static bool CanSign(SigningCredentials credentials)
    {
        var factory = credentials.CryptoProviderFactory ?? credentials.Key.CryptoProviderFactory ?? CryptoProviderFactory.Default;
        try
        {
            var provider = factory.CreateForSigning(credentials.Key, credentials.Algorithm);
            try
            {
                return provider.Sign([0]).Length > 0;
            }
            finally
            {
                factory.ReleaseSignatureProvider(provider);
            }
        }
        catch (Exception exception) when (exception is System.Security.Cryptography.CryptographicException or NotSupportedException or InvalidOperationException or ArgumentException or SecurityTokenException)
        {
            return false;
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
