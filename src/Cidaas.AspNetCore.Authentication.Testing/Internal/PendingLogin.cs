namespace Cidaas.AspNetCore.Authentication.Testing.Internal;

/// <summary>An authorization request waiting on the login page; the login form refers to it by <see cref="Id"/>.</summary>
internal sealed record PendingLogin(string Id, AuthorizationRequest Request, DateTimeOffset ExpiresAt);
