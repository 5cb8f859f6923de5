using System.Globalization;
using System.Security.Claims;
using Cidaas.AspNetCore.Authentication.Protocol;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cidaas.AspNetCore.Authentication.Tokens;

/// <summary>
/// The signed-in user's access token: read from the session the cidaas scheme signed in (its saved <c>access_token</c>,
/// <c>refresh_token</c> and <c>expires_at</c>), renewed through <see cref="CidaasRefreshCoordinator"/> when it expires
/// within <see cref="CidaasOptions.RefreshBeforeExpiry"/>, and written back to the session by signing the local scheme in
/// again with the new tokens. A valid token costs no I/O: the request's own authentication result is read, nothing else.
/// </summary>
internal sealed class CidaasUserTokenManager
{
    // AuthenticationProperties keeps a saved token under ".Token." + its name; the keys are spelled out so that reading
    // them allocates nothing. RemoteAuthenticationHandler names the scheme that signed the session in under ".AuthScheme".
    private const string AccessTokenKey = ".Token.access_token";
    private const string RefreshTokenKey = ".Token.refresh_token";
    private const string ExpiresAtKey = ".Token.expires_at";
    private const string AuthSchemeKey = ".AuthScheme";

    // The lifetime (seconds) of the saved access token, so that a short-lived one is renewed at half its lifetime.
    private const string LifetimeKey = ".Cidaas.token_lifetime";

    private readonly IAuthenticationSchemeProvider _schemes;
    private readonly IOptionsMonitor<CidaasOptions> _options;
    private readonly CidaasRefreshCoordinator _coordinator;
    private readonly ILogger _logger;
    private string[]? _cidaasSchemes;

    public CidaasUserTokenManager(
        IAuthenticationSchemeProvider schemes,
        IOptionsMonitor<CidaasOptions> options,
        CidaasRefreshCoordinator coordinator,
        ILoggerFactory loggerFactory)
    {
        _schemes = schemes;
        _options = options;
        _coordinator = coordinator;
        _logger = loggerFactory.CreateLogger("Cidaas.AspNetCore.Authentication.Tokens");
    }

    public ValueTask<CidaasUserToken> GetAsync(HttpContext context, bool forceRefresh, CancellationToken cancellationToken)
    {
        // The hot path: the authentication middleware's result for the request, a cidaas session, a token that is not due.
        if (!forceRefresh
            && _cidaasSchemes is { } cidaasSchemes
            && context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult is { Succeeded: true } result
            && ResolveScheme(result.Properties!, cidaasSchemes) is { } scheme)
        {
            var options = _options.Get(scheme);
            if (result.Ticket!.AuthenticationScheme == options.SignInScheme
                && TryReadCurrent(result.Properties!, options, out var token))
            {
                return new ValueTask<CidaasUserToken>(token);
            }
        }

        return GetSlowAsync(context, forceRefresh, cancellationToken);
    }

    private async ValueTask<CidaasUserToken> GetSlowAsync(HttpContext context, bool forceRefresh, CancellationToken cancellationToken)
    {
        var cidaasSchemes = _cidaasSchemes ??= await FindCidaasSchemesAsync();
        var signInScheme = await FindSignInSchemeAsync(cidaasSchemes);
        if (signInScheme is null)
        {
            return CidaasUserToken.Failure(CidaasErrors.UserTokenSchemeNotFound);
        }

        // The local scheme's own result (not the transformed principal of IAuthenticationService): it is what a sign-in
        // writes back. Handlers cache it per request, so a renewal below updates what later calls of this request read.
        // The request's own handler provider (a scoped service): it holds the handlers this request already ran.
        var handler = await context.RequestServices.GetRequiredService<IAuthenticationHandlerProvider>().GetHandlerAsync(context, signInScheme);
        var result = handler is null ? null : await handler.AuthenticateAsync();
        if (result is not { Succeeded: true })
        {
            return CidaasUserToken.Failure(CidaasErrors.UserTokenNoUser);
        }

        var properties = result.Properties!;
        if (ResolveScheme(properties, cidaasSchemes) is not { } scheme)
        {
            return CidaasUserToken.Failure(CidaasErrors.UserTokenSchemeNotFound);
        }

        var options = _options.Get(scheme);
        if (!properties.Items.TryGetValue(AccessTokenKey, out var accessToken) || string.IsNullOrEmpty(accessToken))
        {
            return CidaasUserToken.Failure(CidaasErrors.UserTokenNotStored);
        }

        if (!forceRefresh && TryReadCurrent(properties, options, out var current))
        {
            return current;
        }

        var time = options.TimeProvider ?? TimeProvider.System;
        var expiresAt = ReadExpiresAt(properties);
        var stillValid = !forceRefresh && (expiresAt is null || expiresAt > time.GetUtcNow());
        if (!properties.Items.TryGetValue(RefreshTokenKey, out var refreshToken) || string.IsNullOrEmpty(refreshToken))
        {
            return stillValid ? CidaasUserToken.Success(accessToken, expiresAt) : CidaasUserToken.Failure(CidaasErrors.UserTokenNoRefreshToken);
        }

        var subject = result.Principal!.FindFirst(CidaasClaimTypes.Subject)?.Value ?? result.Principal.FindFirst(ClaimTypes.NameIdentifier)?.Value;
        var outcome = await _coordinator.RefreshAsync(new CidaasRefreshRequest(scheme, options, refreshToken, subject, time, _logger), cancellationToken);
        switch (outcome.Kind)
        {
            case CidaasRefreshOutcomeKind.Refreshed:
                Store(properties, outcome);
                await WriteBackAsync(context, signInScheme, result.Principal, properties);
                return CidaasUserToken.Success(outcome.AccessToken!, outcome.ExpiresAt);

            case CidaasRefreshOutcomeKind.Refused:
                await EndSessionAsync(context, signInScheme, properties);
                return CidaasUserToken.Failure(outcome.Error!);

            default:
                // The token endpoint could not be asked: a token that has not expired yet is still good to use.
                return stillValid ? CidaasUserToken.Success(accessToken, expiresAt) : CidaasUserToken.Failure(outcome.Error!);
        }
    }

    /// <summary>The saved access token when it is not due for renewal (or its expiry is unknown).</summary>
    private static bool TryReadCurrent(AuthenticationProperties properties, CidaasOptions options, out CidaasUserToken token)
    {
        token = default!;
        if (!properties.Items.TryGetValue(AccessTokenKey, out var accessToken) || string.IsNullOrEmpty(accessToken))
        {
            return false;
        }

        var expiresAt = ReadExpiresAt(properties);
        if (expiresAt is { } expiry && IsDue(expiry, properties, options))
        {
            return false;
        }

        token = CidaasUserToken.Success(accessToken, expiresAt);
        return true;
    }

    /// <summary>
    /// Whether the token is to be renewed now: within <see cref="CidaasOptions.RefreshBeforeExpiry"/> of its expiry, or,
    /// for a lifetime shorter than twice that, once half of its lifetime has passed, so that a short-lived token is not
    /// renewed on every request.
    /// </summary>
    private static bool IsDue(DateTimeOffset expiresAt, AuthenticationProperties properties, CidaasOptions options)
    {
        var now = (options.TimeProvider ?? TimeProvider.System).GetUtcNow();
        var margin = options.RefreshBeforeExpiry;
        if (properties.Items.TryGetValue(LifetimeKey, out var value)
            && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            && seconds < 2 * margin.TotalSeconds)
        {
            margin = TimeSpan.FromSeconds(seconds / 2.0);
        }

        return expiresAt - margin <= now;
    }

    /// <summary>Keeps the lifetime of the access token beside it (<paramref name="expiresIn"/> seconds, when known).</summary>
    internal static void StoreLifetime(AuthenticationProperties properties, long? expiresIn)
        => properties.Items[LifetimeKey] = expiresIn is long seconds and > 0 ? seconds.ToString(CultureInfo.InvariantCulture) : null;

    private static DateTimeOffset? ReadExpiresAt(AuthenticationProperties properties)
        => properties.Items.TryGetValue(ExpiresAtKey, out var value)
            && DateTimeOffset.TryParseExact(value, "o", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var expiresAt)
            ? expiresAt
            : null;

    private static void Store(AuthenticationProperties properties, CidaasRefreshOutcome outcome)
    {
        properties.Items[AccessTokenKey] = outcome.AccessToken;
        if (outcome.RefreshToken is not null)
        {
            properties.Items[RefreshTokenKey] = outcome.RefreshToken;
        }

        if (outcome.IdToken is not null)
        {
            properties.Items[".Token.id_token"] = outcome.IdToken;
        }

        properties.Items[ExpiresAtKey] = outcome.ExpiresAt?.ToString("o", CultureInfo.InvariantCulture);
        StoreLifetime(properties, outcome.Lifetime);
    }

    /// <summary>Re-issues the session with the renewed tokens; after the response has started, they serve this request only.</summary>
    private async Task WriteBackAsync(HttpContext context, string signInScheme, ClaimsPrincipal principal, AuthenticationProperties properties)
    {
        if (context.Response.HasStarted)
        {
            _logger.SessionNotUpdated(signInScheme);
            return;
        }

        try
        {
            await context.SignInAsync(signInScheme, principal, properties);
        }
        catch (InvalidOperationException)
        {
            // The response started between the check and the write (headers are read-only now).
            _logger.SessionNotUpdated(signInScheme);
        }
    }

    /// <summary>Ends the local session after cidaas refused the refresh token, so that the next protected request challenges.</summary>
    private async Task EndSessionAsync(HttpContext context, string signInScheme, AuthenticationProperties properties)
    {
        // Whatever happens to the cookie, this request no longer hands out the refused session's tokens.
        properties.Items[AccessTokenKey] = null;
        properties.Items[RefreshTokenKey] = null;
        if (context.Response.HasStarted)
        {
            _logger.SessionNotEnded(signInScheme);
            return;
        }

        try
        {
            await context.SignOutAsync(signInScheme);
        }
        catch (InvalidOperationException)
        {
            _logger.SessionNotEnded(signInScheme);
        }
    }

    /// <summary>The cidaas scheme that signed the session in: the one it names, else the only one there is.</summary>
    private static string? ResolveScheme(AuthenticationProperties properties, string[] cidaasSchemes)
    {
        if (properties.Items.TryGetValue(AuthSchemeKey, out var named) && named is not null)
        {
            return Array.IndexOf(cidaasSchemes, named) >= 0 ? named : null;
        }

        return cidaasSchemes.Length == 1 ? cidaasSchemes[0] : null;
    }

    private async Task<string[]> FindCidaasSchemesAsync()
        => [.. (await _schemes.GetAllSchemesAsync()).Where(s => typeof(CidaasHandler).IsAssignableFrom(s.HandlerType)).Select(s => s.Name)];

    /// <summary>The local scheme the cidaas schemes sign in with (they share one in any sensible setup; the first one's wins).</summary>
    private async Task<string?> FindSignInSchemeAsync(string[] cidaasSchemes)
    {
        foreach (var scheme in cidaasSchemes)
        {
            if (_options.Get(scheme).SignInScheme is { } signInScheme)
            {
                return signInScheme;
            }
        }

        return (await _schemes.GetDefaultSignInSchemeAsync())?.Name;
    }
}
