namespace Cidaas.AspNetCore.Authentication.Testing;

/// <summary>One back-channel logout the emulator POSTed to a client's <see cref="CidaasEmulatorClient.BackchannelLogoutUri"/>.</summary>
public sealed class CidaasEmulatorLogoutDelivery
{
    /// <summary>The client the logout token was for.</summary>
    public required string ClientId { get; init; }

    /// <summary>Where it was POSTed.</summary>
    public required string Uri { get; init; }

    /// <summary>The <c>sid</c> of the ended session.</summary>
    public required string SessionId { get; init; }

    /// <summary>The <c>sub</c> of the user.</summary>
    public required string Subject { get; init; }

    /// <summary>The HTTP status the client answered with; <see langword="null"/> when it could not be reached.</summary>
    public int? StatusCode { get; init; }

    /// <summary>The answer's body (the client's error JSON on a 400), or why it could not be reached.</summary>
    public string? Response { get; init; }

    /// <summary>Whether the client answered 200.</summary>
    public bool Succeeded => StatusCode == 200;
}
