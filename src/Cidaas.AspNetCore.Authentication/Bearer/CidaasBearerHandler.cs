using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Cidaas.AspNetCore.Authentication.Bearer;

/// <summary>
/// Authenticates API requests with cidaas access tokens. It is the <see cref="JwtBearerHandler"/> with the cidaas
/// presets (see <see cref="CidaasBearerOptions"/>), an introspection mode, and RFC 6750 answers: 401 with
/// <c>WWW-Authenticate: Bearer error="invalid_token"</c> and a short description, 403 with
/// <c>error="insufficient_scope"</c> and the missing scope. A failure is always a 401, never a 500.
/// </summary>
public class CidaasBearerHandler : JwtBearerHandler
{
    private const string BearerPrefix = "Bearer ";

    /// <summary>Creates the handler.</summary>
    /// <param name="options">The options of every cidaas bearer scheme.</param>
    /// <param name="logger">The logger factory.</param>
    /// <param name="encoder">The URL encoder.</param>
    public CidaasBearerHandler(IOptionsMonitor<CidaasBearerOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : base(new JwtBearerOptionsMonitor(options), logger, encoder)
    {
    }

    private CidaasBearerOptions BearerOptions => (CidaasBearerOptions)Options;

    /// <inheritdoc />
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var result = await AuthenticateTokenAsync();
        BearerOptions.Telemetry?.BearerValidation(Scheme.Name, result.Succeeded ? "success" : result.None ? "none" : "failure");
        return result;
    }

    private async Task<AuthenticateResult> AuthenticateTokenAsync()
    {
        if (Request.Headers.Authorization.Count > 1)
        {
            // RFC 6750 §2: one token, sent one way. Two headers would be joined into one value that nobody meant.
            return await FailAsync(CidaasBearerErrors.Invalid(CidaasBearerErrors.SeveralAuthorizationHeaders, "The request carries more than one Authorization header"));
        }

        return BearerOptions.TokenValidationMode == CidaasTokenValidationMode.Introspection
            ? await HandleIntrospectionAsync()
            : await base.HandleAuthenticateAsync();
    }

    /// <inheritdoc />
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var challenge = new JwtBearerChallengeContext(Context, Scheme, Options, properties)
        {
            AuthenticateFailure = result?.Failure,
        };

        // RFC 6750 §3.1: no error code when the request had no token at all.
        if (challenge.AuthenticateFailure is not null)
        {
            challenge.Error = CidaasBearerErrors.InvalidToken;
            if (Options.IncludeErrorDetails)
            {
                challenge.ErrorDescription = CidaasBearerErrors.Describe(challenge.AuthenticateFailure);
            }
        }

        await Events.Challenge(challenge);
        if (challenge.Handled)
        {
            return;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append(HeaderNames.WWWAuthenticate, BuildChallenge(challenge.Error, challenge.ErrorDescription, challenge.ErrorUri, scope: null));
    }

    /// <inheritdoc />
    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var missingScopes = CidaasScopeRequirement.GetMissingScopes(Context);
        if (Response.HasStarted)
        {
            Logger.BearerForbiddenResponseHasStarted();
        }
        else
        {
            Response.StatusCode = StatusCodes.Status403Forbidden;
            string? description = null;
            if (missingScopes is not null)
            {
                Logger.BearerInsufficientScope(missingScopes);
                description = Options.IncludeErrorDetails ? "The access token lacks the scope " + missingScopes : null;
            }
            else if (Options.IncludeErrorDetails)
            {
                description = "The access token does not grant access to this resource";
            }

            // RFC 6750 §3.1: insufficient_scope, with the scope the resource needs when a scope requirement failed.
            Response.Headers.Append(HeaderNames.WWWAuthenticate, BuildChallenge(CidaasBearerErrors.InsufficientScope, description, errorUri: null, missingScopes));
        }

        await Events.Forbidden(new ForbiddenContext(Context, Scheme, Options));
    }

    private async Task<AuthenticateResult> HandleIntrospectionAsync()
    {
        var messageReceived = new MessageReceivedContext(Context, Scheme, Options);
        await Events.MessageReceived(messageReceived);
        if (messageReceived.Result is not null)
        {
            return messageReceived.Result;
        }

        var token = messageReceived.Token;
        if (string.IsNullOrEmpty(token))
        {
            var authorization = Request.Headers.Authorization.ToString();
            if (!authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
            {
                return AuthenticateResult.NoResult();
            }

            token = authorization[BearerPrefix.Length..].Trim();
            if (token.Length == 0)
            {
                return AuthenticateResult.NoResult();
            }
        }

        var options = BearerOptions;
        var now = TimeProvider.GetUtcNow();
        var cache = options.IntrospectionCacheDuration > TimeSpan.Zero ? options.IntrospectionCache : null;
        var key = cache is null ? null : CidaasIntrospectionCache.CreateKey(options.IntrospectionCacheKeyPrefix!, token);
        var entry = cache is null ? null : await GetCachedAsync(cache, key!, now);
        if (cache is not null)
        {
            options.Telemetry?.IntrospectionCacheLookup(Scheme.Name, hit: entry is not null);
        }

        if (entry is not null)
        {
            Logger.BearerIntrospectionCacheHit();
        }
        else
        {
            Logger.BearerIntrospecting(options.IntrospectionEndpoint);
            try
            {
                entry = await CidaasIntrospection.IntrospectAsync(options, token, now, Context.RequestAborted);
            }
            catch (CidaasProtocolException ex)
            {
                Logger.BearerIntrospectionUnavailable(options.IntrospectionEndpoint, ex.Message);
                return await FailAsync(ex);
            }

            if (cache is not null)
            {
                await SetCachedAsync(cache, key!, entry, now);
            }
        }

        CidaasIntrospectedToken securityToken;
        ClaimsIdentity identity;
        try
        {
            (identity, securityToken) = CidaasIntrospection.Evaluate(options, entry, now);
        }
        catch (CidaasProtocolException ex)
        {
            Logger.BearerTokenRejected(ex.Message);
            return await FailAsync(ex);
        }

        Logger.BearerTokenValidated(identity.FindFirst(CidaasClaimTypes.Subject)?.Value);
        var validated = new TokenValidatedContext(Context, Scheme, Options)
        {
            Principal = new ClaimsPrincipal(identity),
            SecurityToken = securityToken,
        };
        if (securityToken.ValidTo != DateTime.MinValue)
        {
            validated.Properties.ExpiresUtc = securityToken.ValidTo;
        }

        if (securityToken.ValidFrom != DateTime.MinValue)
        {
            validated.Properties.IssuedUtc = securityToken.ValidFrom;
        }

        await Events.TokenValidated(validated);
        if (validated.Result is not null)
        {
            return validated.Result;
        }

        if (Options.SaveToken)
        {
            validated.Properties.StoreTokens([new AuthenticationToken { Name = "access_token", Value = token }]);
        }

        validated.Success();
        return validated.Result!;
    }

    // A broken distributed cache costs an introspection call, never the request.
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "Any failure of the host's cache falls back to introspecting.")]
    private async Task<CidaasIntrospectionEntry?> GetCachedAsync(CidaasIntrospectionCache cache, string key, DateTimeOffset now)
    {
        try
        {
            return await cache.GetAsync(key, BearerOptions.IntrospectionProtector!, now, Context.RequestAborted);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // Never trusted: written without this scheme's keys (another key ring, or someone with access to the cache).
            Logger.BearerIntrospectionCacheEntryRejected();
            return null;
        }
        catch (Exception ex) when (!Context.RequestAborted.IsCancellationRequested)
        {
            Logger.BearerIntrospectionCacheUnavailable(ex.GetType().Name);
            return null;
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "Any failure of the host's cache falls back to introspecting.")]
    private async Task SetCachedAsync(CidaasIntrospectionCache cache, string key, CidaasIntrospectionEntry entry, DateTimeOffset now)
    {
        try
        {
            await cache.SetAsync(key, entry, BearerOptions.IntrospectionProtector!, now, Context.RequestAborted);
        }
        catch (Exception ex) when (!Context.RequestAborted.IsCancellationRequested)
        {
            Logger.BearerIntrospectionCacheUnavailable(ex.GetType().Name);
        }
    }

    private async Task<AuthenticateResult> FailAsync(Exception exception)
    {
        var failed = new AuthenticationFailedContext(Context, Scheme, Options) { Exception = exception };
        await Events.AuthenticationFailed(failed);
        return failed.Result ?? AuthenticateResult.Fail(failed.Exception);
    }

    private string BuildChallenge(string? error, string? description, string? errorUri, string? scope)
    {
        if (string.IsNullOrEmpty(error) && string.IsNullOrEmpty(description) && string.IsNullOrEmpty(errorUri))
        {
            return Options.Challenge;
        }

        var builder = new StringBuilder(Options.Challenge);
        var separator = Options.Challenge.Contains(' ', StringComparison.Ordinal) ? ", " : " ";
        void Append(string name, string? value)
        {
            if (string.IsNullOrEmpty(value))
            {
                return;
            }

            builder.Append(separator).Append(name).Append("=\"").Append(Quote(value)).Append('"');
            separator = ", ";
        }

        Append("error", error);
        Append("error_description", description);
        Append("error_uri", errorUri);
        Append("scope", scope);
        return builder.ToString();
    }

    // RFC 7230 quoted-string: backslash-escape '"' and '\'; drop control characters so a header can never be split.
    private static string Quote(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                continue;
            }

            if (c is '"' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    /// <summary>Lets the JwtBearer base class read the cidaas options (they are <see cref="JwtBearerOptions"/>).</summary>
    private sealed class JwtBearerOptionsMonitor : IOptionsMonitor<JwtBearerOptions>
    {
        private readonly IOptionsMonitor<CidaasBearerOptions> _inner;

        public JwtBearerOptionsMonitor(IOptionsMonitor<CidaasBearerOptions> inner)
        {
            ArgumentNullException.ThrowIfNull(inner);
            _inner = inner;
        }

        public JwtBearerOptions CurrentValue => _inner.CurrentValue;

        public JwtBearerOptions Get(string? name) => _inner.Get(name);

        public IDisposable? OnChange(Action<JwtBearerOptions, string?> listener) => _inner.OnChange((options, name) => listener(options, name));
    }
}
