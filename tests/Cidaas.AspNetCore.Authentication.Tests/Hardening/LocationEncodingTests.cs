using Cidaas.AspNetCore.Authentication.Protocol;
using CsCheck;

namespace Cidaas.AspNetCore.Authentication.Tests.Hardening;

/// <summary>
/// <see cref="CidaasUrls.EncodeForLocation"/>, the encoding of local return URLs for the <c>Location</c> header
/// (end to end on Kestrel in <see cref="KestrelReturnUrlTests"/>), over many generated URLs.
/// </summary>
public sealed class LocationEncodingTests
{
    private static readonly Gen<string> LocalUrls = Gen.OneOf(
            "a", "Z", "0", "-", ".", "_", "~", "/", "?", "#", "&", "=", "+", ":", "@", "!", "$", "'", "(", "*", ",", ";", "[", "]",
            "%", "%2F", "%c3%a9", "%zz", "%4", " ", "\"", "<", ">", "\\", "^", "`", "{", "|", "}", "é", "ß", "Ω", "日", "😀", "\u00A0", "\u2028")
        .Array[0, 20]
        .Select(parts => "/x" + string.Concat(parts));

    [Fact]
    public void Encoded_local_url_is_printable_ascii_encodes_to_itself_and_names_the_same_resource()
    {
        LocalUrls.Sample(url =>
        {
            var encoded = CidaasUrls.EncodeForLocation(url);

            encoded.Should().NotBeNull();
            encoded!.Should().MatchRegex("^[\\x21-\\x7E]*$", "Kestrel takes only printable ASCII in a header");
            CidaasUrls.EncodeForLocation(encoded).Should().Be(encoded, "encoding twice changes nothing");
            Uri.UnescapeDataString(encoded).Should().Be(Uri.UnescapeDataString(url), "only the spelling changes, not the page");
            encoded.Should().StartWith("/x");
            CidaasUrls.IsLocalUrl(encoded).Should().BeTrue();
        });
    }

    [Fact]
    public void Url_that_needs_no_encoding_is_returned_as_it_is()
    {
        const string url = "/protected?next=/a/b&x=1#top";

        CidaasUrls.EncodeForLocation(url).Should().BeSameAs(url);
    }

    [Fact]
    public void Url_with_a_lone_surrogate_names_no_page()
    {
        // Built at run time: a lone surrogate in an attribute argument does not survive compilation.
        const char High = (char)0xD83D, Low = (char)0xDE00;
        string[] urls = ["/a" + High, "/a" + Low + "b", "/" + Low + High];

        urls.Select(CidaasUrls.EncodeForLocation).Should().AllSatisfy(encoded => encoded.Should().BeNull());
        CidaasUrls.EncodeForLocation("/" + High + Low).Should().Be("/%F0%9F%98%80", "a pair is one character");
    }
}
