namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>
/// How the client proves who it is to cidaas's token service (RFC 6749 §2.3.1), applied the same way to every request
/// that <see cref="CidaasTokenClient"/> sends: <c>client_secret_post</c> writes the id and the secret into the form,
/// <c>client_secret_basic</c> into an HTTP Basic header (each half form-url-encoded before Base64). An assertion-based
/// method (RFC 7523: <c>client_secret_jwt</c>, <c>private_key_jwt</c>) is one more case of <c>ApplyTo</c>, with
/// its key beside the secret here; no request of the token client changes for it. Introspection, whose body is JSON at
/// cidaas, has its own overload of <c>ApplyTo</c>.
/// </summary>
/// <remarks>A plain struct, not a record: a record's <c>ToString</c> would print the secret.</remarks>
internal readonly struct CidaasClientAuthentication
{
    public CidaasClientAuthentication(CidaasClientAuthenticationMethod method, string clientId, string clientSecret)
    {
        Method = method;
        ClientId = clientId;
        ClientSecret = clientSecret;
    }

    public CidaasClientAuthenticationMethod Method { get; }

    public string ClientId { get; }

    /// <summary>Sent to the token service only; redacted from everything the service answers.</summary>
    public string ClientSecret { get; }

    /// <summary>Authenticates <paramref name="request"/>, whose body <paramref name="form"/> is being written.</summary>
    /// <param name="request">The request to the token service.</param>
    /// <param name="form">The request's form body.</param>
    /// <param name="cache">Holds the Basic header value of the current id and secret.</param>
    /// <param name="clientIdInForm">
    /// Whether the form names the client already: the <c>authorization_code</c> grant sends <c>client_id</c> whatever
    /// the method (RFC 6749 §4.1.3), so that it is not written twice.
    /// </param>
    public void ApplyTo(HttpRequestMessage request, CidaasParameterWriter form, CidaasRequestCache cache, bool clientIdInForm)
    {
        if (Method == CidaasClientAuthenticationMethod.ClientSecretBasic)
        {
            request.Headers.TryAddWithoutValidation("Authorization", cache.GetBasicCredentials(ClientId, ClientSecret));
            return;
        }

        if (!clientIdInForm)
        {
            form.Add(CidaasParameterNames.ClientId, ClientId);
        }

        form.Add(CidaasParameterNames.ClientSecret, ClientSecret);
    }

    /// <summary>Authenticates <paramref name="request"/>, whose JSON body <paramref name="json"/> is being written (cidaas's introspection).</summary>
    /// <param name="request">The request to the token service.</param>
    /// <param name="json">The request's JSON object, open.</param>
    /// <param name="cache">Holds the Basic header value of the current id and secret.</param>
    public void ApplyTo(HttpRequestMessage request, System.Text.Json.Utf8JsonWriter json, CidaasRequestCache cache)
    {
        if (Method == CidaasClientAuthenticationMethod.ClientSecretBasic)
        {
            request.Headers.TryAddWithoutValidation("Authorization", cache.GetBasicCredentials(ClientId, ClientSecret));
            return;
        }

        json.WriteString(CidaasParameterNames.ClientId, ClientId);
        json.WriteString(CidaasParameterNames.ClientSecret, ClientSecret);
    }
}
