using Cidaas.AspNetCore.Authentication.Bearer;
using Cidaas.AspNetCore.Authentication.Protocol;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Xunit.Abstractions;

namespace Cidaas.AspNetCore.Authentication.Tests;

/// <summary>
/// The rules of the signing-key cache that every token validator shares, driven on a fake clock: retry with keys
/// fetched meanwhile, single flight, the throttle after a successful fetch and the backoff after a failed one. The
/// handlers' own tests (ConcurrencyTests, FaultTests, Bearer*) show the same through real requests.
/// </summary>
public sealed class SigningKeyCacheTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);
    private readonly CidaasSigningKeyCache _cache = new();
    private readonly OpenIdConnectConfiguration _configuration = CreateConfiguration();

    [Fact]
    public void Retry_delay_doubles_from_one_second_after_each_failed_fetch_and_stops_at_the_interval()
    {
        var schedule = Enumerable.Range(1, 9).Select(n => CidaasSigningKeyCache.RetryDelay(n, Interval).TotalSeconds).ToArray();
        output.WriteLine("delays after 1..9 failed fetches in a row (interval 60 s): " + string.Join(", ", schedule));

        schedule.Should().Equal(1, 2, 4, 8, 16, 32, 60, 60, 60);
        Enumerable.Range(1, 5).Select(n => CidaasSigningKeyCache.RetryDelay(n, TimeSpan.FromSeconds(5)).TotalSeconds).Should().Equal(1, 2, 4, 5, 5);
        CidaasSigningKeyCache.RetryDelay(1, TimeSpan.FromMilliseconds(300)).Should().Be(TimeSpan.FromMilliseconds(300));
        CidaasSigningKeyCache.RetryDelay(3, TimeSpan.Zero).Should().Be(TimeSpan.Zero);
        CidaasSigningKeyCache.RetryDelay(64, TimeSpan.MaxValue).Should().Be(TimeSpan.MaxValue, "doubling never overflows");
    }

    [Fact]
    public async Task Caller_that_failed_with_keys_older_than_the_cache_s_gets_the_current_keys_without_a_fetch_or_the_throttle()
    {
        var oldKeys = _cache.GetKeys(_configuration);
        var fetcher = new Fetcher(_clock);

        var first = await RefreshAsync(oldKeys, fetcher);
        var late = await RefreshAsync(oldKeys, fetcher);

        first.Fetched.Should().BeTrue();
        first.Keys.Should().NotBeNull().And.BeSameAs(_cache.GetKeys(_configuration));
        late.Keys.Should().BeSameAs(first.Keys, "these keys were fetched after the late caller read its own");
        late.Fetched.Should().BeFalse();
        fetcher.Count.Should().Be(1);

        var current = await RefreshAsync(first.Keys!, fetcher);
        current.Keys.Should().BeNull("a caller that failed with the current keys meets the throttle");
        fetcher.Count.Should().Be(1);
    }

    [Fact]
    public async Task One_fetch_serves_every_waiting_caller_and_a_caller_that_gives_up_neither_cancels_it_nor_changes_the_throttle()
    {
        var keys = _cache.GetKeys(_configuration);
        var fetcher = new Fetcher(_clock);
        var answer = fetcher.AnswerLater();
        using var givesUp = new CancellationTokenSource();

        var starter = RefreshAsync(keys, fetcher, givesUp.Token);
        var waiters = Enumerable.Range(0, 20).Select(_ => RefreshAsync(keys, fetcher)).ToArray();
        await givesUp.CancelAsync();

        await FluentActions.Awaiting(() => starter).Should().ThrowAsync<OperationCanceledException>();
        fetcher.Tokens.Should().ContainSingle().Which.CanBeCanceled.Should().BeFalse("the fetch belongs to no caller");
        ICollection<SecurityKey> fetched = [new SymmetricSecurityKey(new byte[32]) { KeyId = "new" }];
        answer.SetResult(fetched);
        var results = await Task.WhenAll(waiters);

        results.Should().OnlyContain(r => r.Fetched && ReferenceEquals(r.Keys, fetched));
        fetcher.Count.Should().Be(1);
        _cache.GetKeys(_configuration).Should().BeSameAs(fetched);
        fetcher.Answer = null;
        _clock.Advance(Interval - TimeSpan.FromTicks(1));
        (await RefreshAsync(fetched, fetcher)).Keys.Should().BeNull("a successful fetch holds the next one back for the whole interval");
        _clock.Advance(TimeSpan.FromTicks(1));
        (await RefreshAsync(fetched, fetcher)).Fetched.Should().BeTrue();
        fetcher.Count.Should().Be(2);
    }

    [Fact]
    public async Task Failed_fetch_reaches_every_waiting_caller_keeps_the_keys_and_allows_the_next_fetch_after_one_second()
    {
        var keys = _cache.GetKeys(_configuration);
        var fetcher = new Fetcher(_clock);
        var answer = fetcher.AnswerLater();

        var validations = Enumerable.Range(0, 10).Select(_ => ValidateUnknownKeyAsync(fetcher).AsTask()).ToArray();
        answer.SetException(new CidaasProtocolException(CidaasBearerErrors.SigningKeysUnavailable("the JWKS endpoint answered with HTTP 503.")));
        var results = await Task.WhenAll(validations);

        results.Should().OnlyContain(v => v.FetchFailure != null && v.FetchFailure.Message.StartsWith("CIDAAS5005", StringComparison.Ordinal));
        fetcher.Count.Should().Be(1);
        _cache.GetKeys(_configuration).Should().BeSameAs(keys, "a failed fetch keeps the keys");
        fetcher.Answer = null;
        _clock.Advance(TimeSpan.FromMilliseconds(999));
        var held = await ValidateUnknownKeyAsync(fetcher);
        held.FetchFailure.Should().BeNull();
        held.Keys.Should().BeSameAs(keys);
        fetcher.Count.Should().Be(1, "the backoff holds");
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        (await ValidateUnknownKeyAsync(fetcher)).Keys.Should().NotBeSameAs(keys);
        fetcher.Count.Should().Be(2);
    }

    [Fact]
    public async Task Flood_of_unknown_keys_costs_one_fetch_per_backoff_step_during_an_outage_and_one_per_interval_after_it()
    {
        var fetcher = new Fetcher(_clock) { Healthy = false };

        // A token with a made-up kid every 250 ms: cidaas is down for the first 130 s, then answers again.
        var failures = 0;
        for (var elapsed = TimeSpan.Zero; elapsed <= TimeSpan.FromSeconds(310); elapsed += TimeSpan.FromMilliseconds(250))
        {
            _clock.SetUtcNow(Start + elapsed);
            fetcher.Healthy = elapsed > TimeSpan.FromSeconds(130);
            var validation = await ValidateUnknownKeyAsync(fetcher);
            failures += validation.FetchFailure is null ? 0 : 1;
        }

        var seconds = fetcher.Times.Select(t => (t - Start).TotalSeconds).ToArray();
        output.WriteLine($"{fetcher.Count} fetches for 1,241 tokens with unknown kids, at seconds: {string.Join(", ", seconds)}");
        seconds.Should().Equal(0, 1, 3, 7, 15, 31, 63, 123, 183, 243, 303);
        failures.Should().Be(8, "the caller that started each failed fetch learns why; the others meet the backoff");
    }

    [Fact]
    public async Task Validation_that_succeeds_or_fails_for_another_reason_never_fetches()
    {
        var fetcher = new Fetcher(_clock);

        var valid = await _cache.ValidateAsync(_configuration, 0, static (_, _) => Task.FromResult(new TokenValidationResult { IsValid = true }), fetcher.FetchAsync, _clock, Interval, CancellationToken.None);
        var expired = await _cache.ValidateAsync(_configuration, 0, static (_, _) => Task.FromResult(Failed(new SecurityTokenExpiredException())), fetcher.FetchAsync, _clock, Interval, CancellationToken.None);

        valid.Result.IsValid.Should().BeTrue();
        expired.Result.Exception.Should().BeOfType<SecurityTokenExpiredException>();
        fetcher.Count.Should().Be(0);
    }

    private Task<CidaasSigningKeyCache.Refresh> RefreshAsync(ICollection<SecurityKey> validatedWith, Fetcher fetcher, CancellationToken cancellationToken = default)
        => _cache.RefreshAsync(_configuration, validatedWith, fetcher.FetchAsync, _clock, Interval, cancellationToken);

    private ValueTask<CidaasSigningKeyCache.Validation> ValidateUnknownKeyAsync(Fetcher fetcher)
        => _cache.ValidateAsync(
            _configuration,
            0,
            static (_, _) => Task.FromResult(Failed(new SecurityTokenSignatureKeyNotFoundException())),
            fetcher.FetchAsync,
            _clock,
            Interval,
            CancellationToken.None);

    private static TokenValidationResult Failed(Exception exception) => new() { IsValid = false, Exception = exception };

    private static OpenIdConnectConfiguration CreateConfiguration()
    {
        var configuration = new OpenIdConnectConfiguration { JwksUri = "https://cidaas.test/.well-known/jwks.json" };
        configuration.SigningKeys.Add(new SymmetricSecurityKey(new byte[32]) { KeyId = "old" });
        return configuration;
    }

    /// <summary>Counts fetches and answers with a new key set, a failure, or what the test sets into <see cref="Answer"/>.</summary>
    private sealed class Fetcher(TimeProvider clock)
    {
        public bool Healthy { get; set; } = true;

        public TaskCompletionSource<ICollection<SecurityKey>>? Answer { get; set; }

        /// <summary>Makes the fetches wait for the answer the test gives through the returned source.</summary>
        public TaskCompletionSource<ICollection<SecurityKey>> AnswerLater()
            => Answer = new TaskCompletionSource<ICollection<SecurityKey>>(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<DateTimeOffset> Times { get; } = [];

        public List<CancellationToken> Tokens { get; } = [];

        public int Count => Times.Count;

        public Task<ICollection<SecurityKey>> FetchAsync(CancellationToken cancellationToken)
        {
            Times.Add(clock.GetUtcNow());
            Tokens.Add(cancellationToken);
            if (Answer is not null)
            {
                return Answer.Task;
            }

            return Healthy
                ? Task.FromResult<ICollection<SecurityKey>>([new SymmetricSecurityKey(new byte[32]) { KeyId = "fetched-" + Count }])
                : Task.FromException<ICollection<SecurityKey>>(new CidaasProtocolException(CidaasBearerErrors.SigningKeysUnavailable("the JWKS endpoint answered with HTTP 503.")));
        }

        public Task<ICollection<SecurityKey>> FetchAsync(int state, string jwksUri, CancellationToken cancellationToken) => FetchAsync(cancellationToken);
    }
}
