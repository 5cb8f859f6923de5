using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cidaas.AspNetCore.Authentication.Benchmarks.Floor;

/// <summary>Options of the floor handler: where to send the user, and the state protector.</summary>
public sealed class FloorOptions : RemoteAuthenticationOptions
{
    public FloorOptions() => CallbackPath = "/signin-floor";

    /// <summary>The authorization endpoint with the parameters that never change, ready for the per-request ones.</summary>
    public string RequestPrefix { get; set; } = "";

    public ISecureDataFormat<AuthenticationProperties> StateDataFormat { get; set; } = default!;
}

/// <summary>
/// The least a secure code-flow challenge can do inside ASP.NET Core, the "physical limit" the cidaas handler is
/// measured against: a correlation cookie (ASP.NET Core's own), a PKCE verifier and its SHA-256, a nonce, one
/// Data Protection of the state, and a redirect whose fixed part is precomputed. It has no callback: only its
/// challenge is measured.
/// </summary>
public sealed class FloorHandler : RemoteAuthenticationHandler<FloorOptions>
{
    public FloorHandler(IOptionsMonitor<FloorOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : base(options, logger, encoder)
    {
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (string.IsNullOrEmpty(properties.RedirectUri))
        {
            properties.RedirectUri = OriginalPathBase + OriginalPath + Request.QueryString;
        }

        GenerateCorrelationId(properties);
        var verifier = CreateRandomValue();
        var nonce = CreateRandomValue();
        properties.Items["v"] = verifier;
        properties.Items["n"] = nonce;
        var state = Options.StateDataFormat.Protect(properties);

        Span<byte> ascii = stackalloc byte[verifier.Length];
        Encoding.ASCII.GetBytes(verifier, ascii);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(ascii, hash);

        // state, the challenge and the nonce are base64url: nothing to escape.
        Response.Redirect(string.Concat(
            [Options.RequestPrefix, "&redirect_uri=", Uri.EscapeDataString(BuildRedirectUri(Options.CallbackPath)), "&state=", state, "&code_challenge=", WebEncoders.Base64UrlEncode(hash), "&nonce=", nonce]));
        return Task.CompletedTask;
    }

    protected override Task<HandleRequestResult> HandleRemoteAuthenticateAsync()
        => Task.FromResult(HandleRequestResult.Fail("The floor handler has no callback."));

    private static string CreateRandomValue()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return WebEncoders.Base64UrlEncode(bytes);
    }
}
