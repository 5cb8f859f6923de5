using System.Buffers;
using Cidaas.AspNetCore.Authentication.Diagnostics;

namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>
/// Sends back-channel requests with a timeout that covers the whole exchange (headers and body) and reads at
/// most a fixed number of bytes, so that a slow or oversized answer cannot hold the request or the memory.
/// </summary>
internal static class CidaasBackchannel
{
    // Timers count in whole milliseconds and may fire that much before the due time.
    private static readonly TimeSpan TimerSlack = TimeSpan.FromMilliseconds(15);

    public static async Task<CidaasBackchannelResponse> SendAsync(
        HttpClient client,
        HttpRequestMessage request,
        int maxResponseBytes,
        TimeSpan timeout,
        string endpointName,
        CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var call = CidaasBackchannelCall.Start(client, CidaasTelemetry.EndpointTag(endpointName), started);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeoutSource.Token);
            call.StatusCode = (int)response.StatusCode;
            if (response.Content.Headers.ContentLength is long length && length > maxResponseBytes)
            {
                throw call.Fail(new CidaasProtocolException(CidaasErrors.ResponseTooLarge(endpointName, maxResponseBytes)) { StatusCode = (int)response.StatusCode });
            }

            var body = await ReadCappedAsync(response.Content, maxResponseBytes, endpointName, timeoutSource.Token);
            return call.Succeed(new CidaasBackchannelResponse(response.StatusCode, body, response.Content.Headers.ContentType?.MediaType));
        }
        catch (CidaasProtocolException ex)
        {
            throw call.Fail(ex);
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            // Which token fired tells a timeout from a dropped connection; transports report both in several ways. An
            // HttpClient.Timeout as long as ours may fire a moment first and surface as an abort: the clock decides then.
            if (timeoutSource.IsCancellationRequested || ex is TaskCanceledException { InnerException: TimeoutException }
                || System.Diagnostics.Stopwatch.GetElapsedTime(started) >= timeout - TimerSlack)
            {
                throw call.Fail(new CidaasProtocolException(CidaasErrors.Timeout(endpointName, timeout), ex));
            }

            // The message of HttpRequestException names the host and the socket error, never the request body.
            var reason = ex is HttpRequestException { Message: { Length: > 0 } message } ? message : "the connection was closed";
            throw call.Fail(new CidaasProtocolException(CidaasErrors.Unreachable(endpointName, reason), ex));
        }
        finally
        {
            call.End();
        }
    }

    /// <summary>Asks for JSON, without allocating a parsed header value for every request.</summary>
    public static void AcceptJson(HttpRequestMessage request)
        => request.Headers.TryAddWithoutValidation("Accept", "application/json");

    private static async Task<ReadOnlyMemory<byte>> ReadCappedAsync(HttpContent content, int maxBytes, string endpointName, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(maxBytes + 1, 16 * 1024));
        try
        {
            var total = 0;
            while (true)
            {
                if (total == buffer.Length)
                {
                    if (total > maxBytes)
                    {
                        throw new CidaasProtocolException(CidaasErrors.ResponseTooLarge(endpointName, maxBytes));
                    }

                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, (long)maxBytes + 1));
                    buffer.AsSpan(0, total).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                total += read;
                if (total > maxBytes)
                {
                    throw new CidaasProtocolException(CidaasErrors.ResponseTooLarge(endpointName, maxBytes));
                }
            }

            return buffer.AsSpan(0, total).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
