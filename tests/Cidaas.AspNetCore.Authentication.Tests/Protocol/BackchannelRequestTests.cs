using System.Text;
using Cidaas.AspNetCore.Authentication.Protocol;
using CsCheck;
using Microsoft.AspNetCore.WebUtilities;

namespace Cidaas.AspNetCore.Authentication.Tests.Protocol;

/// <summary>The parts of a back-channel request that are built once or without <c>FormUrlEncodedContent</c>.</summary>
public sealed class BackchannelRequestTests
{
    [Fact]
    public async Task A_form_body_decodes_to_exactly_the_values_written()
    {
        // Whole characters (a surrogate pair stays a pair): the values a form carries are valid text.
        var values = Gen.OneOf("a", "Z", "0", "9", "-", "_", ".", "~", "%", "&", "=", "+", "#", "?", "/", " ", "\t", ";", ":", "@", "!", "$", "'", "(", "*", ",", "é", "Ω", "😀", "\0")
            .Array[0, 30].Select(string.Concat);
        await Gen.Select(values, values, values).SampleAsync(async sample =>
        {
            var (first, second, third) = sample;
            using var form = CidaasParameterWriter.ForForm();
            form.Add("code", first);
            form.Add("redirect_uri", second);
            form.Add("x y&z", third);
            using var content = form.ToFormContent();

            var body = await content.ReadAsStringAsync();
            var decoded = await new FormReader(body).ReadFormAsync();

            decoded.Should().HaveCount(3);
            decoded["code"].ToString().Should().Be(first);
            decoded["redirect_uri"].ToString().Should().Be(second);
            decoded["x y&z"].ToString().Should().Be(third);
            content.Headers.ContentType!.MediaType.Should().Be("application/x-www-form-urlencoded");
        });
    }

    [Fact]
    public async Task A_form_body_is_what_FormUrlEncodedContent_sends_apart_from_the_spelling_of_a_space()
    {
        var pairs = new KeyValuePair<string, string>[] { new("grant_type", "authorization_code"), new("code", "a+b/c=d&e f"), new("code_verifier", new string('v', 43)) };
        using var form = CidaasParameterWriter.ForForm();
        foreach (var (name, value) in pairs)
        {
            form.Add(name, value);
        }

        using var ours = form.ToFormContent();
        using var theirs = new FormUrlEncodedContent(pairs);

        (await ours.ReadAsStringAsync()).Should().Be((await theirs.ReadAsStringAsync()).Replace("+", "%20", StringComparison.Ordinal));
    }

    [Fact]
    public void Basic_credentials_encode_both_halves_and_follow_a_changed_secret()
    {
        var cache = new CidaasRequestCache();

        var header = cache.GetBasicCredentials("client:1", "s3cr€t:&x");
        var again = cache.GetBasicCredentials("client:1", "s3cr€t:&x");
        var changed = cache.GetBasicCredentials("client:1", "other-secret");

        again.Should().BeSameAs(header);
        Decode(header).Should().Be("client%3A1:s3cr%E2%82%ACt%3A%26x");
        Decode(changed).Should().Be("client%3A1:other-secret");
    }

    [Fact]
    public void Endpoint_uris_are_parsed_once_and_follow_a_changed_endpoint()
    {
        var cache = new CidaasRequestCache();
        var endpoint = "https://tenant.cidaas.de/token-srv/token";

        var uri = cache.GetUri(endpoint);
        cache.GetUri(endpoint).Should().BeSameAs(uri);
        cache.GetUri("https://other.cidaas.de/token-srv/token").Host.Should().Be("other.cidaas.de");
        uri.AbsoluteUri.Should().Be(endpoint);
    }

    private static string Decode(string header)
    {
        header.Should().StartWith("Basic ");
        return Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..]));
    }
}
