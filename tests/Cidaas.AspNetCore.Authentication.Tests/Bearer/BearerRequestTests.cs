using System.Net;
using Cidaas.AspNetCore.Authentication.Bearer;
using Xunit.Abstractions;

namespace Cidaas.AspNetCore.Authentication.Tests.Bearer;

/// <summary>How the token travels: exactly one <c>Authorization: Bearer</c> header.</summary>
public sealed class BearerRequestTests(ITestOutputHelper output) : BearerTestBase(output)
{
    [Fact]
    public async Task Request_without_a_token_is_challenged_without_an_error_code()
    {
        await StartApiAsync();

        var response = await Api.GetAsync("/api/me", accessToken: null);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.Should().ContainSingle().Which.ToString().Should().Be("Bearer");
    }

    [Fact]
    public async Task Token_without_the_Bearer_prefix_is_rejected()
    {
        await StartApiAsync();
        var token = await GetAccessTokenAsync();

        var response = await Api.GetAsync("/api/me", accessToken: null, r => r.Headers.TryAddWithoutValidation("Authorization", token));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.Should().ContainSingle().Which.Scheme.Should().Be("Bearer");
    }

    [Fact]
    public async Task Two_Authorization_headers_are_rejected()
    {
        await StartApiAsync();
        var token = await GetAccessTokenAsync();

        var response = await Api.GetAsync("/api/me", token, r => r.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token));

        ExpectInvalidToken(response).Should().Be("The request carries more than one Authorization header");
    }

    [Fact]
    public async Task Two_Authorization_headers_are_rejected_in_introspection_mode_too()
    {
        await StartApiAsync(o =>
        {
            o.TokenValidationMode = CidaasTokenValidationMode.Introspection;
            o.ClientId = BearerTokens.ClientId;
            o.ClientSecret = BearerTokens.ClientSecret;
        });
        var token = await GetAccessTokenAsync();

        var response = await Api.GetAsync("/api/me", token, r => r.Headers.TryAddWithoutValidation("Authorization", "Basic YTpi"));

        ExpectInvalidToken(response);
        IntrospectionRequests.Should().Be(0);
    }

    [Fact]
    public async Task Malformed_token_is_rejected_as_malformed()
    {
        await StartApiAsync();

        var response = await Api.GetAsync("/api/me", "not-a-jwt");

        ExpectInvalidToken(response).Should().Be("The token is malformed");
    }

    [Fact]
    public async Task Lower_case_bearer_scheme_is_accepted()
    {
        await StartApiAsync();
        var token = await GetAccessTokenAsync();

        var response = await Api.GetAsync("/api/me", accessToken: null, r => r.Headers.TryAddWithoutValidation("Authorization", "bearer " + token));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
