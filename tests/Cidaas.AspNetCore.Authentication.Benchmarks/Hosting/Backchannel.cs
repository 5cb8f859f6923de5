using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;

namespace Cidaas.AspNetCore.Authentication.Benchmarks.Hosting;

/// <summary>
/// The back channel of a benchmark host. During setup it forwards to the cidaas emulator and records the body of
/// every successful answer by path (one real sign-in); once switched to <see cref="Replay"/>, it answers every path
/// from memory with pre-built bytes, so that the callback benchmarks measure the handlers and not the identity provider.
/// </summary>
internal sealed class Backchannel : HttpMessageHandler
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpMessageInvoker _emulator;
    private IReadOnlyDictionary<string, byte[]>? _replay;

    public Backchannel(HttpMessageHandler emulator) => _emulator = new HttpMessageInvoker(emulator, disposeHandler: true);

    /// <summary>The bodies the emulator answered, by path (only while recording).</summary>
    public ConcurrentDictionary<string, byte[]> Recorded { get; } = new(StringComparer.Ordinal);

    /// <summary>Every request received, by path.</summary>
    public ConcurrentDictionary<string, int> Calls { get; } = new(StringComparer.Ordinal);

    /// <summary>From now on answers from memory with these bodies.</summary>
    public void Replay(IReadOnlyDictionary<string, byte[]> answers) => _replay = answers;

    /// <summary>While replaying, answers a path from this function first (a body, or null for the recorded one).</summary>
    public Func<string, byte[]?>? Answer { get; set; }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        Calls.AddOrUpdate(path, 1, static (_, count) => count + 1);
        if (_replay is null)
        {
            return RecordAsync(request, path, cancellationToken);
        }

        if (Answer?.Invoke(path) is not { } body && !_replay.TryGetValue(path, out body))
        {
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound) { RequestMessage = request });
        }

        var content = new ByteArrayContent(body);
        content.Headers.ContentType = Json;
        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request });
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _emulator.Dispose();
        }

        base.Dispose(disposing);
    }

    private async Task<HttpResponseMessage> RecordAsync(HttpRequestMessage request, string path, CancellationToken cancellationToken)
    {
        var response = await _emulator.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            Recorded[path] = body;
        }

        var copy = new ByteArrayContent(body);
        foreach (var header in response.Content.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        response.Content = copy;
        return response;
    }
}
