using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;

namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>
/// Makes the back channel of a cidaas scheme, the same way for the sign-in handler and the bearer handler: the
/// options' own handler when they bring one, else the named <see cref="IHttpClientFactory"/> client registered here.
/// </summary>
internal static class CidaasBackchannelFactory
{
    private static readonly ProductInfoHeaderValue UserAgent = new(
        "Cidaas.AspNetCore.Authentication", typeof(CidaasBackchannelFactory).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");

    /// <summary>
    /// Registers the named <see cref="IHttpClientFactory"/> client the back channel uses unless the options bring their
    /// own: it never follows redirects (a 307 would re-post the client secret elsewhere), and its pooled connections
    /// are renewed so that a long-lived client still notices DNS changes of the cidaas tenant.
    /// </summary>
    public static void AddBackchannelClient(IServiceCollection services)
        => services.AddHttpClient(CidaasDefaults.BackchannelHttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                AllowAutoRedirect = false,
            });

    /// <summary>An HttpClient over the given handler, else the named <see cref="IHttpClientFactory"/> client.</summary>
    public static HttpClient Create(HttpMessageHandler? handler, IHttpClientFactory factory, TimeSpan timeout, int maxResponseSize)
    {
        var client = handler is not null ? new HttpClient(handler) : factory.CreateClient(CidaasDefaults.BackchannelHttpClientName);
        if (timeout > TimeSpan.Zero)
        {
            // A timeout that is not positive is named by the options' validation, which runs after this.
            client.Timeout = timeout;
        }

        client.MaxResponseContentBufferSize = maxResponseSize;
        client.DefaultRequestHeaders.UserAgent.Add(UserAgent);
        return client;
    }
}
