namespace Cidaas.AspNetCore.Authentication.Sessions;

/// <summary>The distributed cache behind the sessions failed; the inner exception says how. Its message names no key and no token.</summary>
internal sealed class CidaasSessionStoreException : Exception
{
    public CidaasSessionStoreException(Exception inner)
        : base(Protocol.CidaasErrors.SessionStoreUnavailable, inner)
    {
    }

    /// <summary>Runs <paramref name="operation"/>; any failure but the caller's cancellation becomes this exception.</summary>
    public static Task WrapAsync(Func<Task> operation, CancellationToken cancellationToken)
        => WrapAsync(
            async () =>
            {
                await operation();
                return true;
            },
            cancellationToken);

    /// <summary>Runs <paramref name="operation"/>; any failure but the caller's cancellation becomes this exception.</summary>
    public static async Task<T> WrapAsync<T>(Func<Task<T>> operation, CancellationToken cancellationToken)
    {
        try
        {
            return await operation();
        }
        catch (Exception ex) when (ex is not CidaasSessionStoreException && (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested))
        {
            throw new CidaasSessionStoreException(ex);
        }
    }
}
