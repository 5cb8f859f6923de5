using Cidaas.AspNetCore.Authentication.Protocol;

namespace Cidaas.AspNetCore.Authentication.Tokens;

/// <summary>
/// A machine-to-machine client of cidaas (grant <c>client_credentials</c>), registered by name with
/// <c>services.AddCidaasClientCredentials(name, …)</c>. Either set <see cref="Authority"/>, <see cref="ClientId"/> and
/// <see cref="ClientSecret"/>, or name a cidaas sign-in <see cref="Scheme"/> whose values are taken for those left unset.
/// </summary>
public sealed class CidaasClientCredentialsOptions
{
    /// <summary>The cidaas base URL, e.g. <c>https://your-tenant.cidaas.eu</c>; default: the <see cref="Scheme"/>'s.</summary>
    public string? Authority { get; set; }

    /// <summary>The token endpoint; default <c>{Authority}/token-srv/token</c> (or the <see cref="Scheme"/>'s).</summary>
    public string? TokenEndpoint { get; set; }

    /// <summary>The client id; default: the <see cref="Scheme"/>'s.</summary>
    public string? ClientId { get; set; }

    /// <summary>The client secret; default: the <see cref="Scheme"/>'s. Sent to the token endpoint only.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The space-separated scopes to ask for; <see langword="null"/> asks for the client's default scopes.</summary>
    public string? Scope { get; set; }

    /// <summary>How the client authenticates; default: the <see cref="Scheme"/>'s, else <c>client_secret_post</c>.</summary>
    public CidaasClientAuthenticationMethod? ClientAuthenticationMethod { get; set; }

    /// <summary>The private key of <see cref="CidaasClientAuthenticationMethod.PrivateKeyJwt"/>; default: the <see cref="Scheme"/>'s.</summary>
    public Microsoft.IdentityModel.Tokens.SigningCredentials? ClientSigningCredentials { get; set; }

    /// <summary>The <c>aud</c> of the client assertions; default: the <see cref="Scheme"/>'s, else the token endpoint's URL.</summary>
    public CidaasClientAssertionAudience? ClientAssertionAudience { get; set; }

    /// <summary>A cidaas sign-in scheme (e.g. <c>CidaasDefaults.AuthenticationScheme</c>) whose authority, client, secret, method, signing key and back channel fill in what is unset here.</summary>
    public string? Scheme { get; set; }

    /// <summary>How long before its expiry a cached token is replaced by a new one. Default 1 minute.</summary>
    public TimeSpan RefreshBeforeExpiry { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The handler of the back channel to the token endpoint, e.g. for tests; default: the <see cref="Scheme"/>'s, else <c>IHttpClientFactory</c>.</summary>
    public HttpMessageHandler? BackchannelHttpHandler { get; set; }

    /// <summary>The time limit of a token request. Default 60 seconds.</summary>
    public TimeSpan BackchannelTimeout { get; set; } = TimeSpan.FromSeconds(60);

    internal CidaasRequestCache RequestCache { get; } = new();

    internal HttpClient? Backchannel { get; set; }

    /// <summary>
    /// The key of the client's token in the cache, written last when the options are resolved (release) and read first
    /// (acquire): once it is set, the resolved endpoint, client and back channel are visible too.
    /// </summary>
    internal string? CacheKey
    {
        get => Volatile.Read(ref _cacheKey);
        set => Volatile.Write(ref _cacheKey, value);
    }

    private string? _cacheKey;
}
