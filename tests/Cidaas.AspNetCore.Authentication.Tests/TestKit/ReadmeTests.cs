namespace Cidaas.AspNetCore.Authentication.Tests.TestKit;

/// <summary>The README's examples are code that runs in this project, quoted as they are.</summary>
public sealed class ReadmeTests
{
    [Fact]
    public void Testing_section_quotes_the_example_that_OrdersApiTests_runs()
    {
        var source = ReadEmbedded("OrdersApiTests.cs");
        var readme = ReadEmbedded("README.md");
        var begin = source.IndexOf("// README:begin\n", StringComparison.Ordinal);
        var end = source.IndexOf("// README:end", StringComparison.Ordinal);
        begin.Should().BePositive();
        end.Should().BeGreaterThan(begin);
        var example = source[(begin + "// README:begin\n".Length)..end];
        example.Should().Contain("emulator.ConfigureClient(o)").And.Contain("emulator.GetAccessTokenAsync(");

        var section = readme[readme.IndexOf("## Testing your app with the emulator", StringComparison.Ordinal)..];
        section.Should().Contain("```csharp\n" + example + "```", "the README shows the example exactly as the test runs it");
    }

    private static string ReadEmbedded(string name)
    {
        using var stream = typeof(ReadmeTests).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The test project embeds no {name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().ReplaceLineEndings("\n");
    }
}
