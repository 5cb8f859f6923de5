namespace Cidaas.AspNetCore.Authentication.Testing.Internal;

/// <summary>A validated authorization request (everything after client and redirect URI checks passed).</summary>
internal sealed class AuthorizationRequest
{
    public required CidaasEmulatorClient Client { get; init; }

    public required string RedirectUri { get; init; }

    public string? State { get; init; }

    public IReadOnlyList<string> Scopes { get; set; } = [];

    public string? Nonce { get; set; }

    public string? CodeChallenge { get; set; }

    public string? CodeChallengeMethod { get; set; }

    public IReadOnlyList<string> Prompt { get; set; } = [];

    public string? LoginHint { get; set; }

    // Challenge options (issue 16).
    public string ViewType { get; set; } = "login";

    public TimeSpan? MaxAge { get; set; }

    public IReadOnlyList<string> UiLocales { get; set; } = [];

    public IReadOnlyList<string> AcrValues { get; set; } = [];
}
