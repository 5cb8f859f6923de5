using Cidaas.AspNetCore.Authentication.Tokens;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Outgoing calls that carry cidaas access tokens.</summary>
public static class CidaasHttpClientBuilderExtensions
{
    /// <summary>
    /// The client's requests carry the signed-in user's access token (<c>HttpContext.GetCidaasUserAccessTokenAsync</c>);
    /// on a 401 from the API the token is renewed once and the request sent once more (a body of known length up to
    /// 1 MiB is buffered for that; a larger or streamed body is not retried). Without a signed-in user no token is sent.
    /// </summary>
    /// <param name="builder">The <see cref="IHttpClientBuilder"/>.</param>
    /// <returns>The builder.</returns>
    public static IHttpClientBuilder AddCidaasUserAccessTokenHandler(this IHttpClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddCidaasUserTokens();
        return builder.AddHttpMessageHandler(services => ActivatorUtilities.CreateInstance<CidaasUserAccessTokenHandler>(services));
    }

    /// <summary>
    /// The client's requests carry a token of the named cidaas client (<c>AddCidaasClientCredentials(name, …)</c>); on a
    /// 401 a new token is fetched once and the request sent once more.
    /// </summary>
    /// <param name="builder">The <see cref="IHttpClientBuilder"/>.</param>
    /// <param name="name">The name given to <c>AddCidaasClientCredentials</c>.</param>
    /// <returns>The builder.</returns>
    public static IHttpClientBuilder AddCidaasClientAccessTokenHandler(this IHttpClientBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return builder.AddHttpMessageHandler(services => new CidaasClientAccessTokenHandler(services.GetRequiredService<CidaasClientTokenCache>(), name));
    }
}
