using Cidaas.AspNetCore.Authentication.Protocol;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Cidaas.AspNetCore.Authentication.Tests.Protocol;

/// <summary>
/// <see cref="CidaasConfigurationManager"/>: IdentityModel's manager stores a new document a moment before it sets the
/// time of its next refresh, and a caller inside that moment started a second fetch. The first load is shared instead.
/// </summary>
public sealed class ConfigurationFirstLoadTests
{
    [Fact]
    public async Task Callers_that_arrive_before_the_first_load_completes_all_wait_for_that_one_load()
    {
        var inner = new GatedManager();
        var manager = new CidaasConfigurationManager(inner);

        // Each call returns at its first wait, so all fifty are waiting at once when the load completes.
        var callers = Enumerable.Range(0, 50).Select(_ => manager.GetConfigurationAsync(CancellationToken.None)).ToArray();
        await inner.WaitForCallsAsync(1);
        callers.Should().OnlyContain(c => !c.IsCompleted);
        inner.Calls.Should().Be(1, "every caller before the first load waits for it");

        var configuration = new OpenIdConnectConfiguration { Issuer = "https://cidaas.test" };
        inner.Complete(configuration);

        (await Task.WhenAll(callers)).Should().OnlyContain(c => ReferenceEquals(c, configuration));
        inner.Calls.Should().Be(1);

        (await manager.GetConfigurationAsync(CancellationToken.None)).Should().BeSameAs(configuration);
        inner.Calls.Should().Be(2, "after the first load every call goes to the manager itself, which serves from its cache");
    }

    [Fact]
    public async Task A_failed_first_load_reaches_every_waiter_and_the_next_call_loads_again()
    {
        var inner = new GatedManager();
        var manager = new CidaasConfigurationManager(inner);

        var callers = Enumerable.Range(0, 10).Select(_ => manager.GetConfigurationAsync(CancellationToken.None)).ToArray();
        await inner.WaitForCallsAsync(1);
        inner.Calls.Should().Be(1);
        inner.Fail(new InvalidOperationException("discovery down"));

        foreach (var caller in callers)
        {
            await caller.Invoking(c => c).Should().ThrowAsync<InvalidOperationException>();
        }

        var retry = manager.GetConfigurationAsync(CancellationToken.None);
        await inner.WaitForCallsAsync(2);
        var configuration = new OpenIdConnectConfiguration { Issuer = "https://cidaas.test" };
        inner.Complete(configuration);
        (await retry).Should().BeSameAs(configuration);
    }

    [Fact]
    public async Task A_caller_that_gives_up_does_not_cancel_the_shared_load()
    {
        var inner = new GatedManager();
        var manager = new CidaasConfigurationManager(inner);
        using var impatient = new CancellationTokenSource();

        var first = manager.GetConfigurationAsync(impatient.Token);
        var second = manager.GetConfigurationAsync(CancellationToken.None);
        await inner.WaitForCallsAsync(1);
        await impatient.CancelAsync();
        await first.Invoking(t => t).Should().ThrowAsync<OperationCanceledException>();

        var configuration = new OpenIdConnectConfiguration { Issuer = "https://cidaas.test" };
        inner.Complete(configuration);
        (await second).Should().BeSameAs(configuration);
        inner.Calls.Should().Be(1);
        inner.LastToken.CanBeCanceled.Should().BeFalse("the shared load runs on no caller's token");
    }

    /// <summary>A configuration manager whose first load completes when the test says so; later calls answer at once.</summary>
    private sealed class GatedManager : IConfigurationManager<OpenIdConnectConfiguration>
    {
        private readonly SemaphoreSlim _called = new(0);
        private TaskCompletionSource<OpenIdConnectConfiguration> _load = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public CancellationToken LastToken { get; private set; }

        public Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
        {
            LastToken = cancel;
            Interlocked.Increment(ref _calls);
            _called.Release();
            return _load.Task;
        }

        public void RequestRefresh()
        {
        }

        public void Complete(OpenIdConnectConfiguration configuration) => _load.SetResult(configuration);

        public void Fail(Exception exception)
        {
            var failed = _load;
            _load = new TaskCompletionSource<OpenIdConnectConfiguration>(TaskCreationOptions.RunContinuationsAsynchronously);
            failed.SetException(exception);
        }

        public async Task WaitForCallsAsync(int count)
        {
            while (Calls < count)
            {
                (await _called.WaitAsync(TimeSpan.FromSeconds(30))).Should().BeTrue("the manager was called");
            }
        }
    }
}
