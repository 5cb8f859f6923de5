using Cidaas.AspNetCore.Authentication.Sessions;
using Microsoft.AspNetCore.Authentication;

namespace Cidaas.AspNetCore.Authentication.Tests.Sessions;

/// <summary>The ended-sessions check of every authenticated request: its reads of the distributed cache.</summary>
public sealed class EndedSessionsTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_session_and_the_user_markers_are_read_together_not_one_after_the_other(bool userEnded)
    {
        var cache = new RecordingCache();
        var signedIn = DateTimeOffset.UtcNow;
        var properties = new AuthenticationProperties();
        CidaasSessionKeys.Stamp(properties, "alice", "cidaas-session-1", signedIn);
        if (userEnded)
        {
            await CidaasEndedSessions.EndAsync(cache, CidaasSessionKeys.Hash("alice"), null, signedIn.AddSeconds(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5), default);
        }

        cache.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var check = CidaasEndedSessions.IsEndedAsync(cache, properties, default);
        var inFlight = cache.PendingReads;
        cache.Gate.SetResult();

        inFlight.Should().Be(2, "both markers are asked for before either answer arrives: one round trip with Redis");
        (await check).Should().Be(userEnded);
        cache.Reads.Should().Be(2);
    }

    [Fact]
    public async Task A_marker_read_that_fails_fails_the_check()
    {
        var cache = new RecordingCache();
        var properties = new AuthenticationProperties();
        CidaasSessionKeys.Stamp(properties, "alice", "cidaas-session-1", DateTimeOffset.UtcNow);
        cache.Down = true;

        var check = () => CidaasEndedSessions.IsEndedAsync(cache, properties, default);

        await check.Should().ThrowAsync<Exception>("the caller rejects the session for this request when the cache cannot be read");
    }
}
