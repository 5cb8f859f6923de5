using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>
/// The one client of cidaas's token service (<c>/token-srv/*</c>): every request it sends is a form POST (JSON for
/// introspection) that authenticates the client the same way (<see cref="CidaasClientAuthentication"/>), asks for JSON and goes through the
/// back channel (timeout, size cap). A grant is one small method: it writes its parameters and reads the answer with
/// <see cref="ReadTokenResponse"/>, which turns an OAuth error into a <see cref="CidaasProtocolException"/> with the
/// request's secrets redacted.
/// </summary>
/// <remarks>
/// A struct made per use from the scheme's options (<c>CreateTokenClient</c>), so that it follows options that change
/// and costs no allocation.
/// </remarks>
internal readonly struct CidaasTokenClient
{
    private const string TokenEndpointName = "token endpoint";
    private const string IntrospectionEndpointName = "introspection endpoint";
    private const string RevocationEndpointName = "revocation endpoint";

    /// <summary>The PAR endpoint as messages and the back-channel metrics name it.</summary>
    internal const string PushedAuthorizationEndpointName = "pushed authorization request endpoint";

    private readonly HttpClient _backchannel;
    private readonly int _maxResponseBytes;
    private readonly TimeSpan _timeout;
    private readonly CidaasRequestCache _requestCache;
    private readonly CidaasClientAuthentication _client;
    private readonly ILogger _logger;

    /// <param name="backchannel">The scheme's back channel.</param>
    /// <param name="maxResponseBytes">The largest answer read.</param>
    /// <param name="timeout">Covers each whole exchange.</param>
    /// <param name="requestCache">The scheme's parsed endpoint URIs and Basic credentials.</param>
    /// <param name="client">How the client authenticates.</param>
    /// <param name="logger">Logs OAuth errors of the token endpoint (never a secret).</param>
    public CidaasTokenClient(HttpClient backchannel, int maxResponseBytes, TimeSpan timeout, CidaasRequestCache requestCache, CidaasClientAuthentication client, ILogger logger)
    {
        _backchannel = backchannel;
        _maxResponseBytes = maxResponseBytes;
        _timeout = timeout;
        _requestCache = requestCache;
        _client = client;
        _logger = logger;
    }

    /// <summary>
    /// Redeems an authorization code (RFC 6749 §4.1.3, RFC 7636 §4.5): once, never retried, for a code is single use.
    /// </summary>
    /// <param name="tokenEndpoint">The token endpoint.</param>
    /// <param name="code">The authorization code.</param>
    /// <param name="redirectUri">The <c>redirect_uri</c> of the authorization request, byte for byte.</param>
    /// <param name="codeVerifier">The PKCE verifier, when the request had a challenge.</param>
    /// <param name="additionalParameters">More form parameters, if any; those the exchange sets itself are left out.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The successful answer, which holds an access token or not (the caller decides).</returns>
    /// <exception cref="CidaasProtocolException">The endpoint failed, answered an OAuth error or no JSON object.</exception>
    public async Task<CidaasTokenResponse> ExchangeCodeAsync(
        string tokenEndpoint,
        string code,
        string redirectUri,
        string? codeVerifier,
        IEnumerable<KeyValuePair<string, string>>? additionalParameters,
        CancellationToken cancellationToken)
    {
        using var form = CidaasParameterWriter.ForForm();
        form.Add(CidaasParameterNames.GrantType, "authorization_code");
        form.Add(CidaasParameterNames.Code, code);
        form.Add(CidaasParameterNames.RedirectUri, redirectUri);
        form.Add(CidaasParameterNames.ClientId, _client.ClientId);
        if (codeVerifier is not null)
        {
            form.Add(CidaasParameterNames.CodeVerifier, codeVerifier);
        }

        using var request = CreateRequest(tokenEndpoint, form, clientIdInForm: true);
        foreach (var parameter in additionalParameters ?? [])
        {
            if (!CidaasParameterNames.IsReserved(parameter.Key))
            {
                form.Add(parameter.Key, parameter.Value ?? string.Empty);
            }
        }

        var response = await SendAsync(request, form, TokenEndpointName, cancellationToken);
        return ReadTokenResponse(response, request, code, codeVerifier);
    }

    /// <summary>
    /// Redeems a refresh token (RFC 6749 §6) with the client authentication of the code exchange. Sent once: the caller
    /// coordinates refreshes, for a rotated refresh token must never be sent twice.
    /// </summary>
    /// <param name="tokenEndpoint">The token endpoint.</param>
    /// <param name="refreshToken">The refresh token.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The successful answer.</returns>
    /// <exception cref="CidaasProtocolException">The endpoint failed, answered an OAuth error (<c>invalid_grant</c>: the refresh token is refused) or no JSON object.</exception>
    public async Task<CidaasTokenResponse> RefreshAsync(string tokenEndpoint, string refreshToken, CancellationToken cancellationToken)
    {
        using var form = CidaasParameterWriter.ForForm();
        form.Add(CidaasParameterNames.GrantType, "refresh_token");
        form.Add(CidaasParameterNames.RefreshToken, refreshToken);
        using var request = CreateRequest(tokenEndpoint, form, clientIdInForm: false);
        var response = await SendAsync(request, form, TokenEndpointName, cancellationToken);
        return ReadTokenResponse(response, request, refreshToken, otherSecret: null);
    }

    /// <summary>Asks for a token of the client itself (RFC 6749 §4.4, <c>client_credentials</c>).</summary>
    /// <param name="tokenEndpoint">The token endpoint.</param>
    /// <param name="scope">The space-separated scopes, or <see langword="null"/> for the client's default.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The successful answer.</returns>
    /// <exception cref="CidaasProtocolException">The endpoint failed, answered an OAuth error or no JSON object.</exception>
    public async Task<CidaasTokenResponse> RequestClientTokenAsync(string tokenEndpoint, string? scope, CancellationToken cancellationToken)
    {
        using var form = CidaasParameterWriter.ForForm();
        form.Add(CidaasParameterNames.GrantType, "client_credentials");
        if (!string.IsNullOrEmpty(scope))
        {
            form.Add(CidaasParameterNames.Scope, scope);
        }

        using var request = CreateRequest(tokenEndpoint, form, clientIdInForm: false);
        var response = await SendAsync(request, form, TokenEndpointName, cancellationToken);
        return ReadTokenResponse(response, request, secret: null, otherSecret: null);
    }

    /// <summary>
    /// Revokes a token (RFC 7009 §2.1). cidaas answers 200 whether the token was known or not, so only another status
    /// is a failure.
    /// </summary>
    /// <param name="revocationEndpoint">The revocation endpoint.</param>
    /// <param name="token">The token.</param>
    /// <param name="tokenTypeHint">The <c>token_type_hint</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="CidaasProtocolException">The endpoint could not be reached, timed out or answered another status than 200.</exception>
    public async Task RevokeAsync(string revocationEndpoint, string token, string tokenTypeHint, CancellationToken cancellationToken)
    {
        using var form = CidaasParameterWriter.ForForm();
        form.Add(CidaasParameterNames.Token, token);
        form.Add(CidaasParameterNames.TokenTypeHint, tokenTypeHint);
        using var request = CreateRequest(revocationEndpoint, form, clientIdInForm: false);
        var response = await SendAsync(request, form, RevocationEndpointName, cancellationToken);
        if (!response.IsSuccess)
        {
            throw new CidaasProtocolException(CidaasErrors.RevocationStatus((int)response.StatusCode)) { StatusCode = (int)response.StatusCode };
        }
    }

    /// <summary>
    /// Asks the introspection endpoint about a token, as cidaas's own clients do: a JSON body <c>{"token": …,
    /// "token_type_hint": …}</c>, the client authenticated with <c>Authorization: Basic</c> (cidaas's "Introspect" page and
    /// its PHP SDK), or, with <c>client_secret_post</c>, by <c>client_id</c> and <c>client_secret</c> in the JSON body.
    /// cidaas answers <c>active: true</c> only to a caller in the token's audience. The answer is returned as it came: the
    /// resource server judges its status and members with its own error codes.
    /// </summary>
    /// <param name="introspectionEndpoint">The introspection endpoint.</param>
    /// <param name="token">The token.</param>
    /// <param name="tokenTypeHint">The <c>token_type_hint</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="CidaasProtocolException">The endpoint could not be reached, timed out or answered too much.</exception>
    public async Task<CidaasBackchannelResponse> IntrospectAsync(string introspectionEndpoint, string token, string tokenTypeHint, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _requestCache.GetUri(introspectionEndpoint));
        CidaasBackchannel.AcceptJson(request);
        var body = new ArrayBufferWriter<byte>(token.Length + 128);
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteString(CidaasParameterNames.Token, token);
            json.WriteString(CidaasParameterNames.TokenTypeHint, tokenTypeHint);
            _client.ApplyTo(request, json, _requestCache);
            json.WriteEndObject();
        }

        request.Content = new ByteArrayContent(body.WrittenSpan.ToArray());
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return await CidaasBackchannel.SendAsync(_backchannel, request, _maxResponseBytes, _timeout, IntrospectionEndpointName, cancellationToken);
    }

    /// <summary>
    /// Pushes an authorization request (RFC 9126 §2.1) with the client authentication of the token requests; the form
    /// already names the client (<c>client_id</c> is an authorization parameter). The answer is returned as it came: the
    /// challenge judges it (<c>CidaasPushedAuthorization</c>).
    /// </summary>
    /// <param name="parEndpoint">The PAR endpoint.</param>
    /// <param name="form">The authorization parameters, as a form body.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="CidaasProtocolException">The endpoint could not be reached, timed out or answered too much.</exception>
    public async Task<CidaasBackchannelResponse> PushAuthorizationAsync(string parEndpoint, CidaasParameterWriter form, CancellationToken cancellationToken)
    {
        using var request = CreateRequest(parEndpoint, form, clientIdInForm: true);
        return await SendAsync(request, form, PushedAuthorizationEndpointName, cancellationToken);
    }

    /// <summary>
    /// What makes a successful token response unusable (RFC 6749 §5.1): no <c>access_token</c>, or a token type other than
    /// <c>Bearer</c>; <see langword="null"/> when it is usable. It applies to every grant's answer, and to one an event
    /// got by itself.
    /// </summary>
    public static string? FindProblem(CidaasTokenResponse tokens)
    {
        if (string.IsNullOrEmpty(tokens.AccessToken))
        {
            return CidaasErrors.TokenResponseMissingAccessToken;
        }

        return string.Equals(tokens.TokenType, "Bearer", StringComparison.OrdinalIgnoreCase) ? null : CidaasErrors.WrongTokenType(tokens.TokenType);
    }

    private HttpRequestMessage CreateRequest(string endpoint, CidaasParameterWriter form, bool clientIdInForm)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _requestCache.GetUri(endpoint));
        CidaasBackchannel.AcceptJson(request);
        _client.ApplyTo(request, form, _requestCache, clientIdInForm);
        return request;
    }

    private Task<CidaasBackchannelResponse> SendAsync(HttpRequestMessage request, CidaasParameterWriter form, string endpointName, CancellationToken cancellationToken)
    {
        request.Content = form.ToFormContent();
        return CidaasBackchannel.SendAsync(_backchannel, request, _maxResponseBytes, _timeout, endpointName, cancellationToken);
    }

    /// <summary>
    /// A token endpoint's answer (RFC 6749 §5.1, §5.2): a JSON object without an <c>error</c> member under a 2xx status,
    /// else a failure that carries the OAuth error. The error may quote the request back: the client secret and
    /// <paramref name="secret"/>/<paramref name="otherSecret"/> (a code, verifier or refresh token) and the request's client
    /// assertion go no further than here.
    /// </summary>
    private CidaasTokenResponse ReadTokenResponse(CidaasBackchannelResponse response, HttpRequestMessage request, string? secret, string? otherSecret)
    {
        var assertion = CidaasClientAuthentication.AssertionOf(request);
        var document = response.TryParseObject();
        var status = (int)response.StatusCode;
        if (document is null)
        {
            throw response.IsSuccess
                ? new CidaasProtocolException(CidaasErrors.NotJson(TokenEndpointName)) { StatusCode = status }
                : new CidaasProtocolException(CidaasErrors.TokenEndpointStatus(status)) { StatusCode = status };
        }

        var error = Redact(document.RootElement, CidaasParameterNames.Error, secret, otherSecret, assertion);
        if (response.IsSuccess && error is null)
        {
            return new CidaasTokenResponse(document);
        }

        using (document)
        {
            var level = CidaasFailureKinds.LevelOf(CidaasFailureKinds.OfTokenError(error));
            if (_logger.IsEnabled(level))
            {
                _logger.TokenEndpointError(level, status, error is null ? null : CidaasErrors.Clean(error));
            }
            if (error is null)
            {
                throw new CidaasProtocolException(CidaasErrors.TokenEndpointStatus(status)) { StatusCode = status };
            }

            var description = Redact(document.RootElement, CidaasParameterNames.ErrorDescription, secret, otherSecret, assertion);
            throw new CidaasProtocolException(
                CidaasErrors.TokenEndpointError(error, description),
                error,
                description,
                Redact(document.RootElement, CidaasParameterNames.ErrorUri, secret, otherSecret, assertion))
            { StatusCode = status };
        }
    }

    private string? Redact(JsonElement answer, string member, string? secret, string? otherSecret, string? assertion)
        => CidaasErrors.Redact(CidaasJson.GetString(answer, member), _client.ClientSecret, secret, otherSecret, assertion);
}
