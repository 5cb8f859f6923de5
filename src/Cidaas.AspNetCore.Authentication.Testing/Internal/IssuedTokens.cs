namespace Cidaas.AspNetCore.Authentication.Testing.Internal;

/// <summary>What one issuance created: the access token and its record, and the id_token and refresh token when granted.</summary>
internal sealed record IssuedTokens(string AccessToken, IssuedAccessToken Record, string? IdToken, string? RefreshToken);
