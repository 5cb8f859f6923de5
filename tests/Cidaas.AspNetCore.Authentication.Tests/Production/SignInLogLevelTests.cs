namespace Cidaas.AspNetCore.Authentication.Tests.Production;

/// <summary>
/// A failed sign-in is logged once by the handler (event 12, SignInFailed) at the level of who has to act: Information
/// for the user's doing, Warning for an attack-shaped callback, Error with a hint for a misconfiguration or an
/// unreachable cidaas. ASP.NET Core's own "Error from RemoteAuthentication" line, which ended in "..", is left out for
/// those failures. Every line is scanned for secrets by the base class.
/// </summary>
public class SignInLogLevelTests(ITestOutputHelper output) : SignInTestBase(output)
{
    private const string Handler = "Cidaas.AspNetCore.Authentication.CidaasHandler";
    private const string ConfigurationHint = "Check ClientId/ClientSecret, the Authority and the app's redirect URLs in cidaas";
    private const string ReachabilityHint = "Check that cidaas is reachable from this host";

    [Fact]
    public async Task A_user_who_cancels_at_cidaas_is_logged_as_information()
    {
        var callback = await StartAppAndAuthorizeAsync();

        await Browser.GetAsync(CallbackUrl.With(callback, ("code", null), ("error", "access_denied")));

        ExpectSignInFailedLine("Information", "CIDAAS1011", "Nothing to fix");
    }

    [Fact]
    public async Task A_replayed_callback_is_logged_as_information()
    {
        var callback = await StartAppAndAuthorizeAsync();
        await Browser.GetAsync(callback.ToString());

        await Browser.GetAsync(callback.ToString());

        ExpectSignInFailedLine("Information", "CIDAAS1004", "Nothing to fix");
    }

    [Fact]
    public async Task A_spent_code_is_logged_as_information()
    {
        var callback = await StartAppAndAuthorizeAsync();
        var second = await AuthorizeAsync(await ChallengeAsync());
        await Browser.GetAsync(callback.ToString());

        // The second sign-in's own state and cookie, with the first sign-in's code, which is spent by now.
        await Browser.GetAsync(CallbackUrl.With(second, ("code", QueryOf(callback)["code"])));

        ExpectSignInFailedLine("Information", "CIDAAS2001", "Nothing to fix");
        App.Logs.Lines.Should().Contain(l => l.StartsWith($"Information {Handler}[3]:", StringComparison.Ordinal) && l.Contains("invalid_grant", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_forged_state_is_logged_as_a_warning()
    {
        var callback = await StartAppAndAuthorizeAsync();

        await Browser.GetAsync(CallbackUrl.With(callback, ("state", "forged" + QueryOf(callback)["state"][6..])));

        ExpectSignInFailedLine("Warning", "CIDAAS1002", "forged");
    }

    [Fact]
    public async Task A_wrong_issuer_in_the_callback_is_logged_as_a_warning()
    {
        var callback = await StartAppAndAuthorizeAsync();

        await Browser.GetAsync(CallbackUrl.With(callback, ("iss", "https://evil.example")));

        ExpectSignInFailedLine("Warning", "CIDAAS1006", "forged");
    }

    [Fact]
    public async Task An_id_token_with_a_bad_signature_is_logged_as_a_warning()
    {
        await StartAppAsync();

        await CallbackAfterAsync(next => next.IdToken(CidaasIdTokenDefect.BadSignature));

        ExpectSignInFailedLine("Warning", "CIDAAS3002", "forged");
    }

    [Fact]
    public async Task A_wrong_client_secret_is_logged_as_an_error_with_a_hint()
    {
        await StartAppAsync(o => o.ClientSecret = "not-the-secret-of-the-client");

        await Browser.GetAsync((await AuthorizeAsync(await ChallengeAsync())).ToString());

        ExpectSignInFailedLine("Error", "CIDAAS2001", ConfigurationHint);
        App.Logs.Lines.Should().Contain(l => l.StartsWith($"Error {Handler}[3]:", StringComparison.Ordinal) && l.Contains("invalid_client", StringComparison.Ordinal));
        Secrets.Add("not-the-secret-of-the-client");
    }

    [Theory]
    [InlineData("unauthorized_client")]
    [InlineData("invalid_client")]
    [InlineData("invalid_request")]
    [InlineData("invalid_scope")]
    public async Task A_client_refused_by_cidaas_at_the_authorization_is_logged_as_an_error_with_a_hint(string error)
    {
        var callback = await StartAppAndAuthorizeAsync();

        await Browser.GetAsync(CallbackUrl.With(callback, ("code", null), ("error", error)));

        ExpectSignInFailedLine("Error", "CIDAAS1012", ConfigurationHint);
    }

    [Fact]
    public async Task An_unknown_authorization_error_word_is_logged_as_a_warning()
    {
        var callback = await StartAppAndAuthorizeAsync();

        await Browser.GetAsync(CallbackUrl.With(callback, ("code", null), ("error", "made_up")));

        ExpectSignInFailedLine("Warning", "CIDAAS1012", "forged");
    }

    [Fact]
    public async Task An_unreachable_discovery_document_is_logged_as_an_error_with_a_hint()
    {
        await StartAppAsync();
        Emulator.Next.Fault(CidaasDefaults.DiscoveryPath, CidaasEmulatorFault.Status(503, "down"));
        Emulator.Next.Fault(CidaasDefaults.DiscoveryPath, CidaasEmulatorFault.Status(503, "down"));

        await Browser.GetAsync((await AuthorizeAsync(await ChallengeAsync())).ToString());

        ExpectSignInFailedLine("Error", "CIDAAS3003", ReachabilityHint);
    }

    [Fact]
    public async Task An_unreachable_key_set_is_logged_as_an_error_with_a_hint()
    {
        await StartAppAsync();
        await SignInAsync(); // the configuration and its keys are loaded; the next id_token names a key they lack
        var challenge = await Browser.GetAsync(App.BaseAddress + "/login?returnUrl=/protected");
        var callback = await AuthorizeAsync(challenge.Headers.Location!);
        Emulator.Next.IdToken(CidaasIdTokenDefect.UnknownSigningKey);
        Emulator.Next.Fault(CidaasDefaults.JwksPath, CidaasEmulatorFault.Status(500, "boom"));

        await Browser.GetAsync(callback.ToString());

        ExpectSignInFailedLine("Error", "CIDAAS3002", ReachabilityHint);
    }

    [Fact]
    public async Task A_token_endpoint_that_times_out_is_logged_as_an_error_with_a_hint()
    {
        await StartAppAsync(o => o.BackchannelTimeout = TimeSpan.FromMilliseconds(300));

        await CallbackAfterAsync(next => next.Fault(CidaasDefaults.TokenPath, CidaasEmulatorFault.Delay(TimeSpan.FromSeconds(3))));

        ExpectSignInFailedLine("Error", "CIDAAS2006", ReachabilityHint);
    }

    [Fact]
    public async Task A_successful_sign_in_logs_no_failure_and_nothing_above_information()
    {
        await StartAppAsync();

        await SignInAsync();

        var handlerLines = App.Logs.Lines.Where(l => l.Contains(Handler, StringComparison.Ordinal)).ToList();
        handlerLines.Should().NotContain(l => l.StartsWith("Warning ", StringComparison.Ordinal) || l.StartsWith("Error ", StringComparison.Ordinal));
        handlerLines.Should().NotContain(l => l.Contains("The cidaas sign-in failed", StringComparison.Ordinal));
    }

    /// <summary>
    /// Exactly one SignInFailed line, at <paramref name="level"/>, naming <paramref name="id"/> and what to do; no line of
    /// the handler ends in ".."; ASP.NET Core's generic line is not there for it.
    /// </summary>
    private void ExpectSignInFailedLine(string level, string id, string action)
    {
        var handlerLines = App.Logs.Lines.Where(l => l.Contains(Handler, StringComparison.Ordinal)).ToList();
        var failed = handlerLines.Where(l => l.Contains($"{Handler}[12]: The cidaas sign-in failed", StringComparison.Ordinal)).ToList();
        failed.Should().ContainSingle("a failure is logged once");
        failed[0].Should().StartWith($"{level} {Handler}[12]: The cidaas sign-in failed: {id}:").And.Contain(action);
        handlerLines.Should().NotContain(l => l.Contains("Error from RemoteAuthentication", StringComparison.Ordinal));
        App.Logs.Lines.Should().NotContain(l => l.TrimEnd().EndsWith("..", StringComparison.Ordinal) && !l.TrimEnd().EndsWith("...", StringComparison.Ordinal));
    }
}
