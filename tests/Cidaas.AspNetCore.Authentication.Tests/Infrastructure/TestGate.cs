namespace Cidaas.AspNetCore.Authentication.Tests.Infrastructure;

/// <summary>
/// Holds the first caller of <see cref="WaitAsync"/> until <see cref="Release"/>; every later caller passes at once.
/// A test forces an interleaving with it: wait for <see cref="Reached"/>, let other requests run, then release.
/// </summary>
public sealed class TestGate
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _entered;

    /// <summary>Completes when the first caller is held; fails the test if none comes within 30 seconds.</summary>
    public Task Reached => _reached.Task.WaitAsync(Patience);

    public Task WaitAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _entered, 1) != 0)
        {
            return Task.CompletedTask;
        }

        _reached.SetResult();
        return _released.Task.WaitAsync(cancellationToken);
    }

    public void Release() => _released.TrySetResult();
}
