using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>
/// How the client proves who it is to cidaas's token service, applied the same way to every request that
/// <see cref="CidaasTokenClient"/> (and the pushed authorization request) sends: <c>client_secret_post</c> writes the id
/// and the secret into the body, <c>client_secret_basic</c> into an HTTP Basic header (each half form-url-encoded before
/// Base64, RFC 6749 §2.3.1), <c>client_secret_jwt</c> and <c>private_key_jwt</c> (RFC 7523 §2.2, OpenID Connect Core §9)
/// a fresh signed assertion with <c>client_id</c>. Introspection, whose body is JSON at cidaas, has its own overload of
/// <c>ApplyTo</c>.
/// </summary>
/// <remarks>A plain struct, not a record: a record's <c>ToString</c> would print the secret.</remarks>
internal readonly struct CidaasClientAuthentication
{
    /// <summary>The <c>client_assertion_type</c> of a JWT assertion (RFC 7523 §2.2).</summary>
    public const string JwtBearerAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    /// <summary>How long an assertion is valid: long enough for clock differences, short enough that a copy is of little use.</summary>
    public static readonly TimeSpan AssertionLifetime = TimeSpan.FromSeconds(60);

    private static readonly HttpRequestOptionsKey<string> AssertionKey = new("Cidaas.ClientAssertion");

    private static readonly (string Name, CidaasClientAuthenticationMethod Method)[] MethodNames =
    [
        ("client_secret_post", CidaasClientAuthenticationMethod.ClientSecretPost),
        ("client_secret_basic", CidaasClientAuthenticationMethod.ClientSecretBasic),
        ("client_secret_jwt", CidaasClientAuthenticationMethod.ClientSecretJwt),
        ("private_key_jwt", CidaasClientAuthenticationMethod.PrivateKeyJwt),
    ];

    // Times are set on each assertion from the scheme's clock.
    private static readonly JsonWebTokenHandler AssertionHandler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <param name="method">The method.</param>
    /// <param name="clientId">The client id.</param>
    /// <param name="clientSecret">The secret (the key of <c>client_secret_jwt</c>); <see langword="null"/> for <c>private_key_jwt</c>.</param>
    /// <param name="signingCredentials">The private key of <c>private_key_jwt</c>.</param>
    /// <param name="audience">The <c>aud</c> of the assertions.</param>
    /// <param name="issuer">The cidaas issuer, for <see cref="CidaasClientAssertionAudience.Issuer"/>.</param>
    /// <param name="timeProvider">The clock of the assertions' <c>iat</c>, <c>nbf</c> and <c>exp</c>; default the system's.</param>
    public CidaasClientAuthentication(
        CidaasClientAuthenticationMethod method,
        string clientId,
        string? clientSecret,
        SigningCredentials? signingCredentials = null,
        CidaasClientAssertionAudience audience = CidaasClientAssertionAudience.Endpoint,
        string? issuer = null,
        TimeProvider? timeProvider = null)
    {
        Method = method;
        ClientId = clientId;
        ClientSecret = clientSecret;
        SigningCredentials = signingCredentials;
        Audience = audience;
        Issuer = issuer;
        TimeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Reads a method by the name cidaas's app settings (<c>token_endpoint_auth_method</c>), OpenID Connect Discovery and
    /// RFC 8414 (<c>token_endpoint_auth_methods_supported</c>) give it: <c>client_secret_post</c>, <c>client_secret_basic</c>,
    /// <c>client_secret_jwt</c> or <c>private_key_jwt</c>, in any letter case, without surrounding white space. Other registered names (<c>none</c>,
    /// <c>tls_client_auth</c>, <c>self_signed_tls_client_auth</c>) are methods the package does not support: not read.
    /// </summary>
    public static bool TryParseMethodName(string name, out CidaasClientAuthenticationMethod method)
    {
        foreach (var (methodName, value) in MethodNames)
        {
            if (name.AsSpan().Trim().Equals(methodName, StringComparison.OrdinalIgnoreCase))
            {
                method = value;
                return true;
            }
        }

        method = default;
        return false;
    }

    public CidaasClientAuthenticationMethod Method { get; }

    public string ClientId { get; }

    /// <summary>Sent to the token service only (or only used as a key); redacted from everything the service answers.</summary>
    public string? ClientSecret { get; }

    public SigningCredentials? SigningCredentials { get; }

    public CidaasClientAssertionAudience Audience { get; }

    public string? Issuer { get; }

    public TimeProvider TimeProvider { get; }

    private bool UsesAssertion => Method is CidaasClientAuthenticationMethod.ClientSecretJwt or CidaasClientAuthenticationMethod.PrivateKeyJwt;

    /// <summary>Authenticates <paramref name="request"/> (addressed to its endpoint), whose body <paramref name="form"/> is being written.</summary>
    /// <param name="request">The request to the token service; its URI is the endpoint an assertion is made for.</param>
    /// <param name="form">The request's form body.</param>
    /// <param name="cache">Holds the Basic header value and the HS256 key of the current id and secret.</param>
    /// <param name="clientIdInForm">
    /// Whether the form names the client already: the <c>authorization_code</c> grant sends <c>client_id</c> whatever
    /// the method (RFC 6749 §4.1.3), so that it is not written twice.
    /// </param>
    public void ApplyTo(HttpRequestMessage request, CidaasParameterWriter form, CidaasRequestCache cache, bool clientIdInForm)
    {
        if (Method == CidaasClientAuthenticationMethod.ClientSecretBasic)
        {
            request.Headers.TryAddWithoutValidation("Authorization", cache.GetBasicCredentials(ClientId, ClientSecret!));
            return;
        }

        if (!clientIdInForm)
        {
            // cidaas finds the client by 'client_id' in the body, with an assertion as well (RFC 7521 §4.2 allows it).
            form.Add(CidaasParameterNames.ClientId, ClientId);
        }

        if (UsesAssertion)
        {
            form.Add(CidaasParameterNames.ClientAssertionType, JwtBearerAssertionType);
            form.Add(CidaasParameterNames.ClientAssertion, CreateAssertion(request, cache));
            return;
        }

        form.Add(CidaasParameterNames.ClientSecret, ClientSecret!);
    }

    /// <summary>Authenticates <paramref name="request"/>, whose JSON body <paramref name="json"/> is being written (cidaas's introspection).</summary>
    /// <param name="request">The request to the token service.</param>
    /// <param name="json">The request's JSON object, open.</param>
    /// <param name="cache">Holds the Basic header value and the HS256 key of the current id and secret.</param>
    public void ApplyTo(HttpRequestMessage request, System.Text.Json.Utf8JsonWriter json, CidaasRequestCache cache)
    {
        if (Method == CidaasClientAuthenticationMethod.ClientSecretBasic)
        {
            request.Headers.TryAddWithoutValidation("Authorization", cache.GetBasicCredentials(ClientId, ClientSecret!));
            return;
        }

        json.WriteString(CidaasParameterNames.ClientId, ClientId);
        if (UsesAssertion)
        {
            json.WriteString(CidaasParameterNames.ClientAssertionType, JwtBearerAssertionType);
            json.WriteString(CidaasParameterNames.ClientAssertion, CreateAssertion(request, cache));
            return;
        }

        json.WriteString(CidaasParameterNames.ClientSecret, ClientSecret!);
    }

    /// <summary>The assertion <c>ApplyTo</c> put into <paramref name="request"/>, if any, so that an answer quoting it is redacted.</summary>
    public static string? AssertionOf(HttpRequestMessage request)
        => request.Options.TryGetValue(AssertionKey, out var assertion) ? assertion : null;

    /// <summary>
    /// A client assertion (RFC 7523 §3): <c>iss</c> and <c>sub</c> the client id, <c>aud</c> the endpoint or the issuer,
    /// a fresh random <c>jti</c>, <c>iat</c> = <c>nbf</c> = now and <c>exp</c> a minute later; signed by IdentityModel
    /// (HS256 with the secret, or the private key's algorithm with its <c>kid</c>, and <c>x5t</c> for a certificate).
    /// </summary>
    private string CreateAssertion(HttpRequestMessage request, CidaasRequestCache cache)
    {
        var now = TimeProvider.GetUtcNow().UtcDateTime;
        var assertion = AssertionHandler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = ClientId,
            Audience = Audience == CidaasClientAssertionAudience.Issuer ? Issuer : request.RequestUri!.OriginalString,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + AssertionLifetime,
            Claims = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                [JwtRegisteredClaimNames.Sub] = ClientId,
                [JwtRegisteredClaimNames.Jti] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(24)),
            },
            SigningCredentials = Method == CidaasClientAuthenticationMethod.ClientSecretJwt ? cache.GetSecretSigningCredentials(ClientSecret!) : SigningCredentials,
        });
        request.Options.Set(AssertionKey, assertion);
        return assertion;
    }
}
