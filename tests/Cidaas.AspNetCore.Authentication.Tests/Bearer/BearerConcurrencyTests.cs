namespace Cidaas.AspNetCore.Authentication.Tests.Bearer;

/// <summary>Many API calls at once right after cidaas rotated its signing key: every token is accepted, one refetch.</summary>
public sealed class BearerConcurrencyTests(ITestOutputHelper output) : BearerTestBase(output)
{
    [Fact]
    public async Task Fifty_concurrent_bearer_requests_right_after_a_key_rotation_refetch_the_keys_once()
    {
        await StartAppAsync();
        (await App.GetAsync("/api/me", await GetAccessTokenAsync())).StatusCode.Should().Be(HttpStatusCode.OK, "this primes the cached key set");
        Emulator.RotateSigningKey(keepPreviousKeyPublished: false);
        var tokens = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            tokens.Add(await GetAccessTokenAsync(i % 2 == 0 ? "alice" : "bob"));
        }

        var jwksBefore = JwksRequests;

        var responses = await Task.WhenAll(tokens.Select(token => Task.Run(() => App.GetAsync("/api/me", token))));

        foreach (var response in responses)
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }

        JwksRequests.Should().Be(jwksBefore + 1, "one single-flight refetch serves every waiting request");
    }

    [Fact]
    public async Task Bearer_request_that_failed_with_the_old_keys_while_another_refetched_them_retries_with_the_new_keys_without_a_second_fetch()
    {
        // Request A is held between its failed validation (old keys) and its call for a refresh, while request B
        // refetches the keys. A must then take the keys B fetched: no throttle refusal, no second fetch.
        await StartAppAsync();
        (await App.GetAsync("/api/me", await GetAccessTokenAsync())).StatusCode.Should().Be(HttpStatusCode.OK, "this primes the cached key set");
        Emulator.RotateSigningKey(keepPreviousKeyPublished: false);
        var tokenA = await GetAccessTokenAsync("alice");
        var tokenB = await GetAccessTokenAsync("bob");
        var gate = new TestGate();
        App.GetOptions().SigningKeyCache.BeforeRefresh = gate.WaitAsync;
        var jwksBefore = JwksRequests;

        var responseA = Task.Run(() => App.GetAsync("/api/me", tokenA));
        HttpResponseMessage responseB;
        try
        {
            await gate.Reached;
            responseB = await App.GetAsync("/api/me", tokenB);
        }
        finally
        {
            gate.Release();
        }

        responseB.StatusCode.Should().Be(HttpStatusCode.OK, await responseB.Content.ReadAsStringAsync());
        JwksRequests.Should().Be(jwksBefore + 1);
        var afterA = await responseA;
        afterA.StatusCode.Should().Be(HttpStatusCode.OK, await afterA.Content.ReadAsStringAsync());
        JwksRequests.Should().Be(jwksBefore + 1, "A reuses the keys B fetched");
    }
}
