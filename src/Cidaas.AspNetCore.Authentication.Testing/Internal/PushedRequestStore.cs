using System.Collections.Concurrent;
using Microsoft.Extensions.Primitives;

namespace Cidaas.AspNetCore.Authentication.Testing.Internal;

/// <summary>The authorization requests pushed to the PAR endpoint, by <c>request_uri</c>: each taken once, until it expires.</summary>
internal sealed class PushedRequestStore
{
    private readonly ConcurrentDictionary<string, PushedRequest> _requests = new(StringComparer.Ordinal);

    public void Add(string requestUri, PushedRequest request, DateTimeOffset now)
    {
        foreach (var (uri, pushed) in _requests)
        {
            if (pushed.ExpiresAt <= now)
            {
                _requests.TryRemove(uri, out _);
            }
        }

        _requests[requestUri] = request;
    }

    /// <summary>Takes the request away (one use, whatever comes of it); <see langword="null"/> when unknown or already used.</summary>
    public PushedRequest? Take(string requestUri) => _requests.TryRemove(requestUri, out var request) ? request : null;
}

/// <summary>A pushed authorization request: its client, its parameters and when its <c>request_uri</c> expires.</summary>
internal sealed record PushedRequest(string ClientId, Dictionary<string, StringValues> Parameters, DateTimeOffset ExpiresAt);
