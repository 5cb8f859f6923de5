using System.Text;
using Microsoft.AspNetCore.Http;

namespace Cidaas.AspNetCore.Authentication.Testing;

/// <summary>
/// A fault the emulator injects into one request (see <see cref="CidaasEmulatorNextAnswers.Fault(string, CidaasEmulatorFault)"/>).
/// </summary>
public sealed class CidaasEmulatorFault
{
    private const int ChunkSize = 16 * 1024;

    private readonly Kind _kind;
    private readonly TimeSpan _delay;
    private readonly int _statusCode;
    private readonly string _body = "";
    private readonly string _contentType = "";
    private readonly Dictionary<string, string> _headers = new(StringComparer.OrdinalIgnoreCase);
    private readonly int _size;
    private readonly bool _chunked;

    private CidaasEmulatorFault(Kind kind, int statusCode = StatusCodes.Status200OK, TimeSpan delay = default, int size = 0, bool chunked = false)
    {
        _kind = kind;
        _statusCode = statusCode;
        _delay = delay;
        _size = size;
        _chunked = chunked;
    }

    private CidaasEmulatorFault(Kind kind, int statusCode, string body, string contentType, IDictionary<string, string>? headers)
        : this(kind, statusCode)
    {
        _body = body;
        _contentType = contentType;
        if (headers is not null)
        {
            foreach (var (name, value) in headers)
            {
                _headers[name] = value;
            }
        }
    }

    private enum Kind
    {
        Delay,
        Status,
        Oversized,
        DropConnection,
    }

    /// <summary>Waits (real time), then answers the request normally. The wait ends early if the client gives up.</summary>
    /// <param name="delay">How long to wait.</param>
    /// <returns>The fault.</returns>
    public static CidaasEmulatorFault Delay(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return new CidaasEmulatorFault(Kind.Delay, delay: delay);
    }

    /// <summary>Answers with the given status code, body and headers instead of handling the request (e.g. 502 with HTML, 503 with <c>Retry-After</c>).</summary>
    /// <param name="statusCode">The HTTP status code.</param>
    /// <param name="body">The response body.</param>
    /// <param name="contentType">The content type of the body.</param>
    /// <param name="headers">Extra response headers.</param>
    /// <returns>The fault.</returns>
    public static CidaasEmulatorFault Status(int statusCode, string body = "", string contentType = "text/plain", IDictionary<string, string>? headers = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(contentType);
        return new CidaasEmulatorFault(Kind.Status, statusCode, body, contentType, headers);
    }

    /// <summary>Answers 200 with the given body instead of handling the request (empty, truncated JSON, not JSON, a JSON array, …).</summary>
    /// <param name="body">The response body.</param>
    /// <param name="contentType">The content type of the body.</param>
    /// <returns>The fault.</returns>
    public static CidaasEmulatorFault Body(string body, string contentType = "application/json") =>
        Status(StatusCodes.Status200OK, body, contentType);

    /// <summary>Answers 200 with a JSON-like body of <paramref name="bytes"/> bytes.</summary>
    /// <param name="bytes">The body size.</param>
    /// <param name="chunked"><see langword="true"/>: no <c>Content-Length</c> (chunked transfer); <see langword="false"/>: with <c>Content-Length</c>.</param>
    /// <returns>The fault.</returns>
    public static CidaasEmulatorFault Oversized(int bytes, bool chunked)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        return new CidaasEmulatorFault(Kind.Oversized, size: bytes, chunked: chunked);
    }

    /// <summary>Aborts the connection without an answer.</summary>
    /// <returns>The fault.</returns>
    public static CidaasEmulatorFault DropConnection() => new(Kind.DropConnection);

    /// <inheritdoc/>
    public override string ToString() => _kind switch
    {
        Kind.Delay => $"Delay({_delay})",
        Kind.Status => $"Status({_statusCode}, {_contentType}, {_body.Length} chars)",
        Kind.Oversized => $"Oversized({_size}, chunked: {_chunked})",
        _ => "DropConnection()",
    };

    /// <summary>Applies the fault; returns <see langword="true"/> when the request should then be handled normally.</summary>
    internal async Task<bool> ApplyAsync(HttpContext context)
    {
        switch (_kind)
        {
            case Kind.Delay:
                await Task.Delay(_delay, context.RequestAborted);
                return true;
            case Kind.Status:
                context.Response.StatusCode = _statusCode;
                foreach (var (name, value) in _headers)
                {
                    context.Response.Headers[name] = value;
                }

                if (_body.Length > 0)
                {
                    context.Response.ContentType = _contentType;
                    await context.Response.WriteAsync(_body, Encoding.UTF8, context.RequestAborted);
                }

                return false;
            case Kind.Oversized:
                await WriteOversizedAsync(context);
                return false;
            default:
                context.Abort();
                return false;
        }
    }

    private async Task WriteOversizedAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        if (!_chunked)
        {
            response.ContentLength = _size;
        }

        var prefix = "{\"padding\":\""u8.ToArray();
        var suffix = "\"}"u8.ToArray();
        var framed = _size >= prefix.Length + suffix.Length;
        var remaining = _size;
        if (framed)
        {
            await response.Body.WriteAsync(prefix, context.RequestAborted);
            remaining -= prefix.Length + suffix.Length;
        }

        var chunk = new byte[ChunkSize];
        Array.Fill(chunk, (byte)'a');
        while (remaining > 0)
        {
            var count = Math.Min(remaining, chunk.Length);
            await response.Body.WriteAsync(chunk.AsMemory(0, count), context.RequestAborted);
            await response.Body.FlushAsync(context.RequestAborted);
            remaining -= count;
        }

        if (framed)
        {
            await response.Body.WriteAsync(suffix, context.RequestAborted);
        }
    }
}
