using Cidaas.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace Cidaas.Sample.Web;

/// <summary>
/// Turns a failed sign-in (a replayed callback, an expired state, a refused code…) into a friendly page instead of the
/// handler's plain-text 400. The cause travels in TempData, which is protected, so no one can put words on the page
/// through a link.
/// </summary>
internal static class SignInFailure
{
    public const string TempDataKey = "CidaasSignInFailure";

    public static Task RedirectToFriendlyPageAsync(RemoteFailureContext context)
    {
        // The handler's messages name the cause and never carry a secret, a code or a token; anything else stays unsaid.
        var cause = context.Failure is CidaasProtocolException ? context.Failure.Message : null;
        var tempData = context.HttpContext.RequestServices.GetRequiredService<ITempDataDictionaryFactory>().GetTempData(context.HttpContext);
        tempData[TempDataKey] = cause ?? "";
        tempData.Save();

        context.Response.Redirect(context.Request.PathBase + SampleApp.SignInFailedPath);
        context.HandleResponse();
        return Task.CompletedTask;
    }
}
