using System.Globalization;

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
        var failure = await SignInRejectedAsync(next => next.IdToken(CidaasIdTokenDefect.ExtraUntrustedAudienceWithAzp));

        failure.Message.Should().Contain("audience").And.Contain("not trust");
    }

    [Fact]
    public async Task Id_token_whose_audiences_are_all_this_client_with_azp_is_accepted()
    {
        // cidaas's id_tokens carry no 'azp' (docs/cidaas-compatibility.md): this one is given one with the array.
        await SignInAcceptedAsync(next => next.IdTokenMembers(
            new("aud", $"""["{TestClients.ClientId}", "{TestClients.ClientId}"]"""), new("azp", $"\"{TestClients.ClientId}\"")));
    }

    [Fact]
    public async Task Id_token_with_a_critical_header_extension_is_rejected()
    {
        var failure = await SignInRejectedAsync(next => next.IdToken(CidaasIdTokenDefect.CriticalHeader));

        failure.Message.Should().Contain("'crit'");
    }

    public static TheoryData<string, string> UnusableDates => new()
    {
        { "iat", "253402300800" },        // 10000-01-01T00:00:00Z, one second past DateTimeOffset.MaxValue
        { "iat", "9223372036854775807" }, // long.MaxValue
        { "iat", "-62135596801" },        // one second before 0001-01-01
        { "iat", "\"1700000000\"" },
        { "exp", "253402300800" },
        { "exp", "9223372036854775807" },
        { "exp", "\"4102444800\"" },
        { "nbf", "\"0\"" },
        { "nbf", "-62135596801" },
        { "auth_time", "253402300800" },
        { "auth_time", "-62135596801" },
        { "auth_time", "\"yesterday\"" },
        { "auth_time", "false" },
        { "auth_time", "null" },
        { "auth_time", "[1700000000]" },
    };

    [Theory]
    [MemberData(nameof(UnusableDates))]
    public async Task Id_token_with_a_date_that_is_no_usable_NumericDate_is_rejected_naming_the_claim(string member, string json)
    {
        var failure = await SignInRejectedAsync(next => next.IdTokenMember(member, json));

        failure.Message.Should().Contain($"'{member}'").And.Contain("not a date");
    }

    // IdentityModel itself cannot read these while it parses the token: they stay refused as malformed, with a CIDAAS code.
    public static TheoryData<string, string> UnreadableDates => new()
    {
        { "iat", "99999999999999999999999" }, // beyond long
        { "iat", "1e400" },                   // beyond double
        { "iat", "true" },
        { "iat", "null" },
        { "iat", "[1700000000]" },
        { "iat", "{}" },
        { "exp", "1e400" },
        { "exp", "[4102444800]" },
    };

    [Theory]
    [MemberData(nameof(UnreadableDates))]
    public async Task Id_token_with_a_date_IdentityModel_cannot_read_is_rejected_as_malformed(string member, string json)
    {
        var failure = await SignInRejectedAsync(next => next.IdTokenMember(member, json));

        failure.Message.Should().Contain("well-formed");
    }

    [Theory]
    [InlineData("iat")]
    [InlineData("auth_time")]
    public async Task Id_token_with_a_fractional_NumericDate_is_accepted(string member)
    {
        var aSecondAgo = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;

        await SignInAcceptedAsync(next => next.IdTokenMember(member, aSecondAgo.ToString(CultureInfo.InvariantCulture) + ".25"));
    }

    /// <summary>Signs in with the next id_token as <paramref name="arrange"/> shapes it; expects a CIDAAS3002 failure before userinfo.</summary>
    private async Task<CidaasProtocolException> SignInRejectedAsync(Action<CidaasEmulatorNextAnswers> arrange)
    {
        await StartAppAsync();

        var failure = await ExpectFailureAsync(await CallbackAfterAsync(arrange), "CIDAAS3002");

        UserInfoRequests.Should().Be(0);
        return failure;
    }

    /// <summary>Signs in with the next id_token as <paramref name="arrange"/> shapes it; expects the sign-in to succeed.</summary>
    private async Task SignInAcceptedAsync(Action<CidaasEmulatorNextAnswers> arrange)
    {
        await StartAppAsync();

        var response = await CallbackAfterAsync(arrange);

        response.StatusCode.Should().Be(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        HasSignInCookie().Should().BeTrue();
    }
}
