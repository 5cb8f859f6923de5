using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Cidaas.AspNetCore.Authentication.Tests.Hardening;

/// <summary>
/// The handler keeps nothing in server memory: the state carries the flow, so any instance that shares the Data
/// Protection key ring finishes it, and an instance that does not refuses it cleanly.
/// </summary>
public sealed class MultiInstanceTests(ITestOutputHelper output) : SignInTestBase(output), IDisposable
{
    private const string Origin = TestApp.Origin;
    private readonly DirectoryInfo _keys = Directory.CreateTempSubdirectory("cidaas-keys-");

    [Fact]
    public async Task Challenge_issued_by_one_instance_completes_on_another_that_shares_the_key_ring_on_disk()
    {
        await StartAppAsync(configureBuilder: b => UseKeyRing(b, _keys.FullName, "cidaas-sample"));
        var second = await StartAnotherAppAsync(configureBuilder: b => UseKeyRing(b, _keys.FullName, "cidaas-sample"));
        var callback = await AuthorizeAsync(await ChallengeAsync());

        Browser.Register(Origin, second.CreateHandler()); // the load balancer sends the callback to the other instance
        var response = await Browser.GetAsync(callback.ToString());

        response.StatusCode.Should().Be(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        HasSignInCookie().Should().BeTrue();
        second.Failures.Should().BeEmpty();
        TokenRequests.Should().Be(1);
        _keys.GetFiles("key-*.xml").Should().ContainSingle("both instances use the one key ring");

        Browser.Register(Origin, App.CreateHandler());
        var page = await Browser.GetAsync(Origin + "/protected");
        page.StatusCode.Should().Be(HttpStatusCode.OK, "the cookie the second instance issued is read by the first");
    }

    [Fact]
    public async Task Challenge_issued_by_one_instance_fails_cleanly_on_another_with_its_own_key_ring()
    {
        var otherKeys = Directory.CreateTempSubdirectory("cidaas-keys-");
        try
        {
            await StartAppAsync(configureBuilder: b => UseKeyRing(b, _keys.FullName, "cidaas-sample"));
            var second = await StartAnotherAppAsync(configureBuilder: b => UseKeyRing(b, otherKeys.FullName, "cidaas-sample"));
            var callback = await AuthorizeAsync(await ChallengeAsync());

            Browser.Register(Origin, second.CreateHandler());
            var response = await Browser.GetAsync(callback.ToString());

            await ExpectStateUnreadableAsync(response, second);
        }
        finally
        {
            otherKeys.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task State_of_another_application_on_the_same_key_ring_is_refused()
    {
        await StartAppAsync(configureBuilder: b => UseKeyRing(b, _keys.FullName, "cidaas-sample"));
        var second = await StartAnotherAppAsync(configureBuilder: b => UseKeyRing(b, _keys.FullName, "another-app"));
        var callback = await AuthorizeAsync(await ChallengeAsync());

        Browser.Register(Origin, second.CreateHandler());
        var response = await Browser.GetAsync(callback.ToString());

        await ExpectStateUnreadableAsync(response, second);
    }

    public void Dispose() => _keys.Delete(recursive: true);

    private async Task ExpectStateUnreadableAsync(HttpResponseMessage response, TestApp<CidaasOptions> instance)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, body);
        body.Should().Contain("CIDAAS1002").And.Contain("could not be read");
        instance.Failures.Should().ContainSingle().Which.Should().BeOfType<CidaasProtocolException>().Which.Message.Should().Contain("could not be read");
        HasSignInCookie().Should().BeFalse();
        TokenRequests.Should().Be(0);
    }

    private static void UseKeyRing(WebApplicationBuilder builder, string directory, string applicationName)
        => builder.Services.AddDataProtection()
            .PersistKeysToFileSystem(new DirectoryInfo(directory))
            .SetApplicationName(applicationName);
}
