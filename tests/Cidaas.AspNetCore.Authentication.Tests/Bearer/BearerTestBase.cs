using System.Net;
using Cidaas.AspNetCore.Authentication.Bearer;
using Cidaas.AspNetCore.Authentication.Testing;
using Cidaas.AspNetCore.Authentication.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Xunit.Abstractions;

namespace Cidaas.AspNetCore.Authentication.Tests.Bearer;

/// <summary>
/// One emulator and one API per test. After every test the API's log lines are scanned for every token and secret
/// the test handled: a hit fails the test.
/// </summary>
public abstract class BearerTestBase : IAsyncLifetime
{
    private BearerTestApi? _api;

    protected BearerTestBase(ITestOutputHelper output)
    {
        Output = output;
        EmulatorOptions = TestClients.CreateEmulatorOptions();
    }

    protected ITestOutputHelper Output { get; }

    protected CidaasEmulatorOptions EmulatorOptions { get; }

    protected CidaasEmulator Emulator { get; private set; } = default!;

    protected BearerTestApi Api => _api ?? throw new InvalidOperationException("Call StartApiAsync first.");

    protected List<string> Secrets { get; } = [BearerTokens.ClientSecret, TestClients.ClientSecret];

    protected int IntrospectionRequests => Emulator.CountRequests(CidaasDefaults.IntrospectionPath);

    protected int JwksRequests => Emulator.CountRequests(CidaasDefaults.JwksPath);

    public virtual Task InitializeAsync()
    {
        Emulator = CidaasEmulator.Create(EmulatorOptions);
        return Task.CompletedTask;
    }

    protected async Task<BearerTestApi> StartApiAsync(Action<CidaasBearerOptions>? configure = null, Action<WebApplicationBuilder>? configureBuilder = null)
    {
        _api = await BearerTestApi.StartAsync(Emulator, Output, configure, configureBuilder);
        return _api;
    }

    protected async Task<string> GetAccessTokenAsync(string user = "alice", string scope = "openid orders:read")
        => Remember(await BearerTokens.GetAccessTokenAsync(Emulator, user, scope));

    protected string Remember(string token)
    {
        Secrets.Add(token);
        return token;
    }

    /// <summary>Asserts an RFC 6750 §3.1 invalid_token answer and returns its error_description.</summary>
    protected static string ExpectInvalidToken(HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var challenge = response.Headers.WwwAuthenticate.Should().ContainSingle().Subject;
        challenge.Scheme.Should().Be("Bearer");
        challenge.Parameter.Should().Contain("error=\"invalid_token\"");
        var description = Parameter(challenge.Parameter!, "error_description");
        description.Should().NotBeNullOrEmpty("the client is told briefly why");
        return description!;
    }

    protected static string? Parameter(string parameters, string name)
    {
        var start = parameters.IndexOf(name + "=\"", StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        start += name.Length + 2;
        var end = parameters.IndexOf('"', start);
        return parameters[start..end];
    }

    public virtual async Task DisposeAsync()
    {
        try
        {
            if (_api is not null)
            {
                var lines = _api.Logs.Lines.ToList();
                foreach (var secret in Secrets.Where(s => s.Length >= 8))
                {
                    lines.Should().NotContain(l => l.Contains(secret, StringComparison.Ordinal), "no log line may contain a token or a secret");
                }
            }
        }
        finally
        {
            if (_api is not null)
            {
                await _api.DisposeAsync();
            }

            await Emulator.DisposeAsync();
        }
    }
}
