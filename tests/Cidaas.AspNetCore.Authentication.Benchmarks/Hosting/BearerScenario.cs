using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;

namespace Cidaas.AspNetCore.Authentication.Benchmarks.Hosting;

/// <summary>
/// Two APIs in the same host: <c>AddCidaasBearer</c> and a plain <c>AddJwtBearer</c> configured for the same tokens
/// (authority, audience). The token is the real RS256 access token of the recorded sign-in; both read discovery and
/// keys from memory, once.
/// </summary>
internal sealed class BearerScenario : IDisposable
{
    private readonly Backchannel _jwtBackchannel;
    private readonly Backchannel _cidaasBackchannel;

    public BearerScenario(SignInScenario signIn)
    {
        Authorization = "Bearer " + signIn.AccessToken;
        _jwtBackchannel = new Backchannel(new HttpClientHandler());
        _jwtBackchannel.Replay(signIn.Recorded);
        _cidaasBackchannel = new Backchannel(new HttpClientHandler());
        _cidaasBackchannel.Replay(signIn.Recorded);

        JwtBearerHost = BenchmarkHost.CreateApi(JwtBearerDefaults.AuthenticationScheme, a => a.AddJwtBearer(o =>
        {
            o.Authority = signIn.Authority;
            o.Audience = SignInScenario.ClientId;
            o.BackchannelHttpHandler = _jwtBackchannel;
        }));
        CidaasBearerHost = BenchmarkHost.CreateApi(CidaasDefaults.BearerAuthenticationScheme, a => a.AddCidaasBearer(o =>
        {
            o.Authority = signIn.Authority;
            o.Audience = SignInScenario.ClientId;
            o.BackchannelHttpHandler = _cidaasBackchannel;
        }));
    }

    public string Authorization { get; }

    public BenchmarkHost JwtBearerHost { get; }

    public BenchmarkHost CidaasBearerHost { get; }

    public async Task CheckAsync()
    {
        foreach (var (name, host) in new[] { ("AddJwtBearer", JwtBearerHost), ("AddCidaasBearer", CidaasBearerHost) })
        {
            var answer = await host.GetWithHeadersAsync("/protected", "", null, Authorization);
            if (answer.Status != 200)
            {
                throw new InvalidOperationException($"{name} did not accept the access token: HTTP {answer.Status}.");
            }
        }
    }

    public void Dispose()
    {
        JwtBearerHost.Dispose();
        CidaasBearerHost.Dispose();
        _jwtBackchannel.Dispose();
        _cidaasBackchannel.Dispose();
    }
}
