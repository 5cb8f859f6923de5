using System.Text.Json;
using Cidaas.AspNetCore.Authentication.Protocol;
using Cidaas.AspNetCore.Authentication.SignIn;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cidaas.AspNetCore.Authentication.Sessions;

/// <summary>
/// The back-channel logout endpoint (OpenID Connect Back-Channel Logout 1.0 §2.5–2.8) at
/// <see cref="CidaasOptions.BackchannelLogoutPath"/>: a POST with a form-encoded body of at most <see cref="MaxBodyBytes"/>
/// and one <c>logout_token</c>; the token validated (<see cref="CidaasLogoutTokenValidator"/>); its <c>jti</c> unseen
/// (remembered in the distributed cache for the token's lifetime); <see cref="CidaasEvents.OnBackchannelLogout"/>; then the
/// sessions it names ended on every instance (<see cref="CidaasSessionStore"/>). Success answers 200 with
/// <c>Cache-Control: no-store</c>; every failure 400 with a JSON <c>error</c>/<c>error_description</c>, never a 500.
/// Needs no cookie and no antiforgery token: the signed token is the only credential.
/// </summary>
internal static class CidaasBackchannelLogout
{
    /// <summary>The largest request body read; a logout token is well under 2 KB.</summary>
    public const int MaxBodyBytes = 16 * 1024;

    private const string ReplayPrefix = "cidaas:logout-jti:";

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "Every failure, whatever its type, answers 400 and never a 500 with a stack trace.")]
    public static async Task HandleAsync(HttpContext context, AuthenticationScheme scheme, CidaasOptions options, CidaasEvents events, TimeProvider timeProvider, ILogger logger)
    {
        var cancellationToken = context.RequestAborted;
        try
        {
            var failure = await ProcessAsync(context, scheme, options, events, timeProvider, logger, cancellationToken);
            if (failure is null)
            {
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.Headers.CacheControl = "no-store";
                context.Response.Headers.Pragma = "no-cache";
                return;
            }

            await WriteErrorAsync(context.Response, failure, logger, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller went away: nothing to answer.
        }
        catch (Exception ex)
        {
            logger.BackchannelLogoutFailed(ex.GetType().Name, ex);
            if (!context.Response.HasStarted)
            {
                await WriteErrorAsync(context.Response, ex is CidaasSessionStoreException ? CidaasErrors.SessionStoreUnavailable : "The logout could not be processed.", logger, cancellationToken);
            }
        }
    }

    /// <summary>Runs every step; the failure message, or <see langword="null"/> when the sessions were ended.</summary>
    private static async Task<string?> ProcessAsync(
        HttpContext context, AuthenticationScheme scheme, CidaasOptions options, CidaasEvents events, TimeProvider timeProvider, ILogger logger, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method)
            || !MediaTypeIs(request.ContentType, "application/x-www-form-urlencoded"))
        {
            return CidaasErrors.LogoutWrongMethod;
        }

        if (request.Query.ContainsKey("logout_token"))
        {
            return CidaasErrors.LogoutParametersInvalid;
        }

        var logoutToken = await ReadLogoutTokenAsync(context, cancellationToken);
        if (logoutToken.Failure is not null)
        {
            return logoutToken.Failure;
        }

        CidaasLogoutToken token;
        Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await CidaasConfigurationLoader.LoadAsync(options, logger, cancellationToken);
            token = await CidaasLogoutTokenValidator.ValidateAsync(
                logoutToken.Value!, configuration, options.CreateIdTokenSettings(timeProvider, logger), options.BackchannelLogoutTokenMaxAge, cancellationToken);
        }
        catch (CidaasProtocolException ex)
        {
            return ex.Message;
        }

        if (token.TokenId is null)
        {
            return CidaasErrors.LogoutTokenNoId;
        }

        var store = context.RequestServices.GetRequiredService<CidaasSessionStore>();
        var cache = store.Cache;
        var replayKey = ReplayPrefix + CidaasSessionKeys.Hash(configuration.Issuer + " " + token.TokenId);
        if (await CidaasSessionStoreException.WrapAsync(() => cache.GetAsync(replayKey, cancellationToken), cancellationToken) is not null)
        {
            return CidaasErrors.LogoutTokenReplayed;
        }

        var logout = new CidaasBackchannelLogoutContext(context, scheme, options, token.Subject, token.SessionId);
        await events.BackchannelLogout(logout);
        if (logout.Refused)
        {
            return CidaasErrors.LogoutRefused;
        }

        await store.EndAsync(
            token.Subject is null ? null : CidaasSessionKeys.Hash(token.Subject),
            token.SessionId is null ? null : CidaasSessionKeys.Hash(token.SessionId),
            options.SignInScheme,
            cancellationToken);

        // The jti is remembered once the sessions are ended: a logout that failed half-way (the cache went away) can be
        // delivered again, and succeeds then. Two deliveries at once both end the sessions, which changes nothing.
        var remaining = token.NoLongerAcceptedAt - timeProvider.GetUtcNow();
        await CidaasSessionStoreException.WrapAsync(
            () => cache.SetAsync(
                replayKey, [1], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = remaining > TimeSpan.FromSeconds(1) ? remaining : TimeSpan.FromSeconds(1) }, cancellationToken),
            cancellationToken);
        logger.BackchannelLogoutCompleted(token.SessionId is not null ? "session (sid)" : "user (sub)");
        return null;
    }

    private static async Task<(string? Value, string? Failure)> ReadLogoutTokenAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, CidaasErrors.LogoutBodyTooLarge);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = MaxBodyBytes + 1;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        try
        {
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > MaxBodyBytes)
                {
                    return (null, CidaasErrors.LogoutBodyTooLarge);
                }
            }
        }
        catch (BadHttpRequestException)
        {
            return (null, CidaasErrors.LogoutBodyTooLarge);
        }

        buffer.Position = 0;
        Dictionary<string, Microsoft.Extensions.Primitives.StringValues> form;
        try
        {
            using var reader = new FormReader(buffer) { ValueCountLimit = 64, KeyLengthLimit = 256, ValueLengthLimit = MaxBodyBytes };
            form = await reader.ReadFormAsync(cancellationToken);
        }
        catch (InvalidDataException)
        {
            return (null, CidaasErrors.LogoutTokenMissing);
        }

        return form.TryGetValue("logout_token", out var values) && values.Count == 1 && !string.IsNullOrEmpty(values[0])
            ? (values[0], null)
            : (null, CidaasErrors.LogoutTokenMissing);
    }

    private static bool MediaTypeIs(string? contentType, string mediaType)
        => contentType is not null
        && Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && parsed.MediaType.Equals(mediaType, StringComparison.OrdinalIgnoreCase);

    private static async Task WriteErrorAsync(HttpResponse response, string description, ILogger logger, CancellationToken cancellationToken)
    {
        logger.BackchannelLogoutRejected(description);
        response.Clear();
        response.StatusCode = StatusCodes.Status400BadRequest;
        response.ContentType = "application/json; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff";
        using var body = new MemoryStream();
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString("error", "invalid_request");
            writer.WriteString("error_description", description);
            writer.WriteEndObject();
        }

        await response.Body.WriteAsync(body.GetBuffer().AsMemory(0, (int)body.Length), cancellationToken);
    }
}
