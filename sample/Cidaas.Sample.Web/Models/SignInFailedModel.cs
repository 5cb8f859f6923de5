namespace Cidaas.Sample.Web.Models;

/// <summary>What the sign-in-failed page says: a hint in plain words and, for developers, the handler's message.</summary>
/// <param name="Hint">What the user can do.</param>
/// <param name="Cause">The handler's message (with its <c>CIDAASnnnn</c> id), or <see langword="null"/>.</param>
/// <param name="SignedInAs">
/// The name of the user who is signed in all the same (a reloaded callback after a sign-in that worked), or <see langword="null"/>.
/// </param>
public sealed record SignInFailedModel(string Hint, string? Cause, string? SignedInAs = null)
{
    public static SignInFailedModel From(string? cause, string? signedInAs = null)
    {
        if (signedInAs is not null)
        {
            return new SignInFailedModel(
                "The page you opened again was cidaas's answer to a sign-in that has already completed; there is nothing left to do.",
                cause,
                signedInAs);
        }

        var hint = cause switch
        {
            // The correlation cookie is used up by the first visit: a reloaded or bookmarked callback ends here.
            _ when cause?.StartsWith("CIDAAS1004", StringComparison.Ordinal) == true =>
                "This sign-in was already completed, or your browser did not keep its cookie. If you reloaded or bookmarked the page cidaas sent you back to, simply sign in again.",
            _ when cause?.StartsWith("CIDAAS1003", StringComparison.Ordinal) == true =>
                "The sign-in took too long. Please sign in again.",
            _ => "Please try again. If it keeps failing, the details below help the site's developers.",
        };
        return new SignInFailedModel(hint, cause);
    }
}
