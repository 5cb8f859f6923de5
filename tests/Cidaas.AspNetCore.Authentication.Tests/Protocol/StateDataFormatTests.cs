using Cidaas.AspNetCore.Authentication.Protocol;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;

namespace Cidaas.AspNetCore.Authentication.Tests.Protocol;

public sealed class StateDataFormatTests
{
    private static readonly IDataProtector Protector = new EphemeralDataProtectionProvider().CreateProtector("state-format-tests");

    private static AuthenticationProperties CreateProperties()
    {
        var properties = new AuthenticationProperties { RedirectUri = "/protected?x=1&y=ü" };
        properties.Items[".xsrf"] = "abc";
        properties.Items[CidaasStateKeys.CodeVerifier] = new string('v', 43);
        properties.Items[CidaasStateKeys.Nonce] = "nonce-Ω-😀";
        properties.Items["empty"] = "";
        properties.Items["null"] = null;
        properties.Items["long"] = new string('x', 300); // a two-byte length prefix
        return properties;
    }

    [Fact]
    public void Serialized_state_is_byte_identical_to_the_PropertiesSerializer_format()
    {
        var properties = CreateProperties();

        CidaasStateDataFormat.Serialize(properties).Should().Equal(PropertiesSerializer.Default.Serialize(properties));
    }

    [Fact]
    public void States_of_either_format_are_readable_by_the_other()
    {
        var properties = CreateProperties();
        var ours = new CidaasStateDataFormat(Protector);
        var theirs = new PropertiesDataFormat(Protector);

        theirs.Unprotect(ours.Protect(properties))!.Items.Should().BeEquivalentTo(theirs.Unprotect(theirs.Protect(properties))!.Items);
        ours.Unprotect(theirs.Protect(properties))!.Items.Should().BeEquivalentTo(theirs.Unprotect(theirs.Protect(properties))!.Items);
        ours.Unprotect(ours.Protect(properties, "purpose"), "purpose")!.RedirectUri.Should().Be("/protected?x=1&y=ü");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not base64url!")]
    [InlineData("CfDJ8AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Unreadable_state_is_null(string? state)
    {
        new CidaasStateDataFormat(Protector).Unprotect(state).Should().BeNull();
    }

    [Fact]
    public void State_for_another_purpose_or_tampered_with_is_null()
    {
        var format = new CidaasStateDataFormat(Protector);
        var state = format.Protect(CreateProperties());

        format.Unprotect(state, "other").Should().BeNull();
        var chars = state.ToCharArray();
        chars[chars.Length / 2] = chars[chars.Length / 2] == 'A' ? 'B' : 'A';
        format.Unprotect(new string(chars)).Should().BeNull();
    }

    [Fact]
    public void Every_truncation_of_a_serialized_state_is_refused_without_throwing()
    {
        var bytes = CidaasStateDataFormat.Serialize(CreateProperties());
        for (var length = 0; length < bytes.Length; length++)
        {
            CidaasStateDataFormat.Deserialize(bytes.AsSpan(0, length)).Should().BeNull($"{length} of {bytes.Length} bytes is not a state");
        }

        CidaasStateDataFormat.Deserialize(bytes)!.Items.Should().HaveCount(CreateProperties().Items.Count);
    }

    [Fact]
    public void Random_bytes_never_make_the_reader_throw()
    {
        var random = new Random(42);
        for (var i = 0; i < 10_000; i++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            if (bytes.Length >= 4)
            {
                bytes[0] = 1;
                bytes[1] = bytes[2] = bytes[3] = 0;
            }

            var read = () => CidaasStateDataFormat.Deserialize(bytes);
            read.Should().NotThrow();
        }
    }
}
