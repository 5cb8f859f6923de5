using System.Net;
using Cidaas.AspNetCore.Authentication.Testing;
using Cidaas.AspNetCore.Authentication.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Cidaas.AspNetCore.Authentication.Tests.Hardening;

/// <summary>
/// id_tokens that are correctly signed by cidaas's key but carry something the client must not accept: an audience it
/// does not trust (OpenID Connect Core §3.1.3.7 step 3), a critical header extension it does not understand
/// (RFC 7515 §4.1.11), or a date that is no usable NumericDate (RFC 7519 §2). Each ends in a clean CIDAAS3002 failure
/// before userinfo, never in the generic "unexpected error".
/// </summary>
public sealed class IdTokenHardeningTests(ITestOutputHelper output) : SignInTestBase(output)
{
    [Fact]
    public async Task Id_token_with_an_extra_untrusted_audience_is_rejected_even_when_azp_names_this_client()
    {
        await StartAppAsync();
        var callback = await AuthorizeAsync(await ChallengeAsync());
        Emulator.IssueNextIdTokenWith(CidaasIdTokenDefect.ExtraUntrustedAudienceWithAzp);

        var failure = await ExpectFailureAsync(await Browser.GetAsync(callback.ToString()), "CIDAAS3002");

        failure.Message.Should().Contain("audience").And.Contain("not trust");
        UserInfoRequests.Should().Be(0);
    }

    [Fact]
    public async Task Id_token_whose_audiences_are_all_this_client_with_azp_is_accepted()
    {
        await StartAppAsync();
        var callback = await AuthorizeAsync(await ChallengeAsync());
        Emulator.IssueNextIdTokenWithMember("aud", $"""["{TestClients.ClientId}", "{TestClients.ClientId}"]""");

        var response = await Browser.GetAsync(callback.ToString());

        response.StatusCode.Should().Be(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        HasSignInCookie().Should().BeTrue();
    }

    [Fact]
    public async Task Id_token_with_a_critical_header_extension_is_rejected()
    {
        await StartAppAsync();
        var callback = await AuthorizeAsync(await ChallengeAsync());
        Emulator.IssueNextIdTokenWith(CidaasIdTokenDefect.CriticalHeader);

        var failure = await ExpectFailureAsync(await Browser.GetAsync(callback.ToString()), "CIDAAS3002");

        failure.Message.Should().Contain("'crit'");
        UserInfoRequests.Should().Be(0);
    }
}
