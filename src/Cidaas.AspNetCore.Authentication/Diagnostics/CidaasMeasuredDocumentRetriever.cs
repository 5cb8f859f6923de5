using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.IdentityModel.Protocols;

namespace Cidaas.AspNetCore.Authentication.Diagnostics;

/// <summary>
/// IdentityModel's document retriever, measured as a back-channel call: the configuration manager loads the discovery
/// document (<c>discovery</c>) and, through it, the key set (<c>jwks</c>) with it, outside <c>CidaasBackchannel</c>.
/// It also remembers how the last load ended, which the health check reports (a failed refresh while a cached
/// configuration still serves is Degraded).
/// </summary>
internal sealed class CidaasMeasuredDocumentRetriever : IDocumentRetriever
{
    private readonly IDocumentRetriever _inner;
    private readonly HttpClient _backchannel;
    private readonly string _metadataAddress;

    public CidaasMeasuredDocumentRetriever(IDocumentRetriever inner, HttpClient backchannel, string metadataAddress)
    {
        _inner = inner;
        _backchannel = backchannel;
        _metadataAddress = metadataAddress;
    }

    /// <summary>When the last document was loaded, and whether the last load failed (with its error type).</summary>
    public (DateTimeOffset? LastSuccess, DateTimeOffset? LastFailure, string? LastError) State
    {
        get
        {
            lock (_inner)
            {
                return (_lastSuccess, _lastFailure, _lastError);
            }
        }
    }

    private DateTimeOffset? _lastSuccess;
    private DateTimeOffset? _lastFailure;
    private string? _lastError;

    public async Task<string> GetDocumentAsync(string address, CancellationToken cancel)
    {
        var endpoint = string.Equals(address, _metadataAddress, StringComparison.Ordinal) ? "discovery" : "jwks";
        var call = CidaasBackchannelCall.Start(_backchannel, endpoint, Stopwatch.GetTimestamp());
        try
        {
            var document = await _inner.GetDocumentAsync(address, cancel);
            Remember(error: null);
            return call.Succeed(document);
        }
        catch (Exception ex)
        {
            // IdentityModel's message names the address and the answer; only the status or the kind of failure is a tag.
            if (ex.Data[HttpDocumentRetriever.StatusCode] is HttpStatusCode status)
            {
                call.StatusCode = (int)status;
                call.Fail(ex, ((int)status).ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                call.Fail(ex, IsTimeout(ex) ? "timeout" : "unreachable");
            }

            Remember(error: ex.Data[HttpDocumentRetriever.StatusCode] is HttpStatusCode code ? $"HTTP {(int)code}" : IsTimeout(ex) ? "timeout" : "unreachable");
            throw;
        }
        finally
        {
            call.End();
        }
    }

    private void Remember(string? error)
    {
        lock (_inner)
        {
            if (error is null)
            {
                _lastSuccess = DateTimeOffset.UtcNow;
                _lastFailure = null;
                _lastError = null;
            }
            else
            {
                _lastFailure = DateTimeOffset.UtcNow;
                _lastError = error;
            }
        }
    }

    private static bool IsTimeout(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is TimeoutException or TaskCanceledException)
            {
                return true;
            }
        }

        return false;
    }
}
