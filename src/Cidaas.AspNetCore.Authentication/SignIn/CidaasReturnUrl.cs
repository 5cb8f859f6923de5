using Cidaas.AspNetCore.Authentication.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cidaas.AspNetCore.Authentication.SignIn;

/// <summary>Where a user may be sent back to after a sign-in or a sign-out: local URLs only, encoded for a <c>Location</c> header.</summary>
internal static class CidaasReturnUrl
{
    /// <summary>
    /// A local URL resolved against the path base ("~/") and percent-encoded for a <c>Location</c> header
    /// (<see cref="CidaasUrls.EncodeForLocation"/>); <see langword="null"/> for a URL that is not local.
    /// </summary>
    public static string? ToLocation(string? url, PathString pathBase)
    {
        if (!CidaasUrls.IsLocalUrl(url))
        {
            return null;
        }

        return CidaasUrls.EncodeForLocation(url.StartsWith("~/", StringComparison.Ordinal) ? pathBase + url[1..] : url);
    }

    /// <summary>The return URL as a location, else the fallback's, else the path base's root (logged).</summary>
    public static string ToLocal(string? returnUrl, string fallback, PathString pathBase, ILogger logger)
    {
        // The fallback (the current URL) is held to the same rule: a request for "//evil.example/" would make it protocol-relative.
        var location = ToLocation(string.IsNullOrEmpty(returnUrl) ? fallback : returnUrl, pathBase);
        if (location is not null)
        {
            return location;
        }

        logger.ReturnUrlNotLocal();
        return pathBase.ToUriComponent() + "/";
    }
}
