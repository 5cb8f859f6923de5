using System.Net;
using System.Text;

namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>
/// What the back-channel requests of one scheme would otherwise compute again on every sign-in: the endpoint URIs
/// (<see cref="HttpRequestMessage"/> parses a string URI each time) and the Basic client credentials. Each value is
/// recomputed when the option it comes from is replaced.
/// </summary>
internal sealed class CidaasRequestCache
{
    private const int MaxEndpoints = 8;

    private EndpointEntry[] _endpoints = [];
    private BasicCredentials? _basic;
    private SecretCredentials? _secret;

    /// <summary>The parsed URI of an endpoint option.</summary>
    public Uri GetUri(string endpoint)
    {
        var endpoints = Volatile.Read(ref _endpoints);
        foreach (var entry in endpoints)
        {
            if (ReferenceEquals(entry.Text, endpoint))
            {
                return entry.Uri;
            }
        }

        var uri = new Uri(endpoint, UriKind.Absolute);
        if (endpoints.Length < MaxEndpoints)
        {
            Volatile.Write(ref _endpoints, [.. endpoints, new EndpointEntry(endpoint, uri)]);
        }

        return uri;
    }

    /// <summary>
    /// The value of the <c>Authorization</c> header for <c>client_secret_basic</c>: RFC 6749 §2.3.1 form-url-encodes
    /// both halves before they are joined and Base64-encoded.
    /// </summary>
    public string GetBasicCredentials(string clientId, string clientSecret)
    {
        var basic = Volatile.Read(ref _basic);
        if (basic is null || !ReferenceEquals(basic.ClientId, clientId) || !ReferenceEquals(basic.ClientSecret, clientSecret))
        {
            var raw = WebUtility.UrlEncode(clientId) + ":" + WebUtility.UrlEncode(clientSecret);
            basic = new BasicCredentials(clientId, clientSecret, "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(raw)));
            Volatile.Write(ref _basic, basic);
        }

        return basic.HeaderValue;
    }

    /// <summary>
    /// The HS256 credentials of <c>client_secret_jwt</c> for <paramref name="clientSecret"/>: its UTF-8 bytes as the key,
    /// made once per secret so that IdentityModel reuses its signature provider.
    /// </summary>
    public Microsoft.IdentityModel.Tokens.SigningCredentials GetSecretSigningCredentials(string clientSecret)
    {
        var secret = Volatile.Read(ref _secret);
        if (secret is null || !ReferenceEquals(secret.ClientSecret, clientSecret))
        {
            var key = new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(Encoding.UTF8.GetBytes(clientSecret));
            secret = new SecretCredentials(clientSecret, new(key, Microsoft.IdentityModel.Tokens.SecurityAlgorithms.HmacSha256));
            Volatile.Write(ref _secret, secret);
        }

        return secret.Credentials;
    }

    // A class, not a record: a record's ToString would print the secret.
    private sealed class SecretCredentials(string clientSecret, Microsoft.IdentityModel.Tokens.SigningCredentials credentials)
    {
        public string ClientSecret { get; } = clientSecret;

        public Microsoft.IdentityModel.Tokens.SigningCredentials Credentials { get; } = credentials;
    }

    private sealed record EndpointEntry(string Text, Uri Uri);

    // A class, not a record: a record's ToString would print the secret.
    private sealed class BasicCredentials(string clientId, string clientSecret, string headerValue)
    {
        public string ClientId { get; } = clientId;

        public string ClientSecret { get; } = clientSecret;

        public string HeaderValue { get; } = headerValue;
    }
}
