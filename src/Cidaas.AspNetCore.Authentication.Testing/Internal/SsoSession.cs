namespace Cidaas.AspNetCore.Authentication.Testing.Internal;

/// <summary>A signed-in browser: the <c>cidaas_sso</c> cookie value maps to this server-side state.</summary>
internal sealed record SsoSession(string Id, string SessionId, CidaasEmulatorUser User, DateTimeOffset AuthTime);
