using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cidaas.AspNetCore.Authentication.Tests.Tokens;

/// <summary>
/// <c>AddCidaasUserAccessTokenHandler</c>: an API behind a real in-process server sees the user's token; a 401 leads to
/// exactly one retry with a renewed token, with the body sent again; a body that cannot be replayed is not retried; and
/// without a user the call goes out without a token.
/// </summary>
public sealed class UserAccessTokenHandlerTests(ITestOutputHelper output) : TokensTestBase(output)
{
    private readonly ConcurrentQueue<(string? Authorization, string Body)> _apiCalls = new();
    private WebApplication? _api;
    private int _rejections;

    [Fact]
    public async Task Api_call_carries_the_users_access_token()
    {
        await StartWithApiAsync();
        var token = await GetTokenAsync();

        var answer = await CallApiAsync("GET");

        answer.Should().Be("200");
        _apiCalls.Should().ContainSingle().Which.Authorization.Should().StartWith("Bearer ");
        Fingerprint(_apiCalls.Single().Authorization!["Bearer ".Length..]).Should().Be(token.Fingerprint);
    }

    [Fact]
    public async Task Unauthorized_answer_is_retried_once_with_a_renewed_token_and_the_same_body()
    {
        await StartWithApiAsync();
        _rejections = 1;

        var answer = await CallApiAsync("POST", "stream-known-length");

        answer.Should().Be("200");
        _apiCalls.Should().HaveCount(2);
        var calls = _apiCalls.ToArray();
        calls[1].Authorization.Should().NotBe(calls[0].Authorization, "the retry carries the renewed token");
        calls[1].Body.Should().Be(calls[0].Body).And.Be("payload-bytes");
        RefreshRequests.Should().Be(1);
    }

    [Fact]
    public async Task Api_that_keeps_answering_401_gets_one_retry_and_no_more()
    {
        await StartWithApiAsync();
        _rejections = int.MaxValue;

        var answer = await CallApiAsync("PUT", "string");

        answer.Should().Be("401");
        _apiCalls.Should().HaveCount(2);
        RefreshRequests.Should().Be(1);
    }

    [Fact]
    public async Task Body_that_cannot_be_replayed_is_not_retried_and_the_log_says_why()
    {
        await StartWithApiAsync();
        _rejections = 1;

        var answer = await CallApiAsync("POST", "stream-unknown-length");

        answer.Should().Be("401");
        _apiCalls.Should().ContainSingle();
        RefreshRequests.Should().Be(0);
        App.Logs.Lines.Should().Contain(l => l.Contains("cannot be replayed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_signed_in_user_the_call_goes_out_without_a_token()
    {
        await StartAppAsync(ConfigureTokens, AddApiClient);

        var answer = await CallApiAsync("GET");

        answer.Should().Be("200");
        _apiCalls.Should().ContainSingle().Which.Authorization.Should().BeNull();
    }

    public override async Task DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            if (_api is not null)
            {
                await _api.DisposeAsync();
            }
        }
    }

    private async Task StartWithApiAsync() => await SignInWithTokensAsync(configureBuilder: AddApiClient);

    private void AddApiClient(WebApplicationBuilder builder)
    {
        _api ??= StartApi();
        var server = _api.GetTestServer();
        builder.Services.AddHttpClient("api", c => c.BaseAddress = new Uri("https://api.test/"))
            .ConfigurePrimaryHttpMessageHandler(server.CreateHandler)
            .AddCidaasUserAccessTokenHandler();
    }

    /// <summary>The API: answers 401 while <see cref="_rejections"/> lasts, else 200; records each call's token and body.</summary>
    private WebApplication StartApi()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        var api = builder.Build();
        api.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            _apiCalls.Enqueue((context.Request.Headers.Authorization.Count == 0 ? null : context.Request.Headers.Authorization.ToString(), body));
            context.Response.StatusCode = Interlocked.Decrement(ref _rejections) >= 0 ? 401 : 200;
        });
        api.StartAsync().GetAwaiter().GetResult();
        return api;
    }

    private async Task<string> CallApiAsync(string method, string body = "none")
    {
        var response = await Browser.GetAsync($"{App.BaseAddress}/call-api?method={method}&body={body}");
        return await response.Content.ReadAsStringAsync();
    }

    protected override void MapEndpoints(WebApplication app)
    {
        base.MapEndpoints(app);
        app.MapGet("/call-api", async (IHttpClientFactory factory, string method, string body) =>
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), "data");
            var bytes = "payload-bytes"u8.ToArray();
            request.Content = body switch
            {
                "string" => new StringContent("payload-bytes"),
                "stream-known-length" => new StreamContent(new NonSeekableStream(bytes)) { Headers = { ContentLength = bytes.Length } },
                "stream-unknown-length" => new StreamContent(new NonSeekableStream(bytes)),
                _ => null,
            };
            using var response = await factory.CreateClient("api").SendAsync(request);
            return ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        });
    }

    /// <summary>A request body that can be read once, like an upload passed through.</summary>
    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override long Length => throw new NotSupportedException();
    }
}
