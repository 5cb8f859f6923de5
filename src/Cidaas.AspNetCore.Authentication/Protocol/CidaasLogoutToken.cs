namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>A logout token that passed every check of <see cref="CidaasLogoutTokenValidator"/>.</summary>
/// <param name="Subject">The <c>sub</c> claim, when the token has one.</param>
/// <param name="SessionId">The <c>sid</c> claim, when the token has one.</param>
/// <param name="TokenId">The <c>jti</c> claim, when the token has one (the replay check needs it).</param>
/// <param name="IssuedAt">The <c>iat</c> claim.</param>
/// <param name="NoLongerAcceptedAt">When the token stops being accepted: its <c>exp</c> or its maximum age, whichever comes first, plus the clock skew.</param>
internal sealed record CidaasLogoutToken(string? Subject, string? SessionId, string? TokenId, DateTimeOffset IssuedAt, DateTimeOffset NoLongerAcceptedAt);
