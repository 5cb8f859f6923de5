namespace Cidaas.AspNetCore.Authentication;

/// <summary>
/// Where a scheme's options are read from in configuration (<c>Authentication:Schemes:{scheme}</c>) and which options
/// the binder reads there, so that <c>Validate</c> can name the key a user would set next to each option.
/// </summary>
/// <param name="SectionPath">The full path of the scheme's section, for example <c>Authentication:Schemes:Cidaas</c>.</param>
/// <param name="Options">The names of the options the binder reads from the section.</param>
internal sealed record CidaasConfigurationKeys(string SectionPath, IReadOnlyCollection<string> Options)
{
    /// <summary>
    /// The path options whose configured value has no leading '/': a <c>PathString</c> cannot hold it, and an empty path
    /// means "off" for some of them (<c>BackchannelLogoutPath</c>), so <c>Validate()</c> reports them from here.
    /// </summary>
    public HashSet<string> InvalidPaths { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The options whose configured value could not be read (<c>true</c>/<c>false</c>, a time span, <c>MaxAge</c>), each
    /// with what <c>Validate()</c> says of it after "The … option": the option kept its value, and dropping the value
    /// unseen could weaken a check, so the start stops with the key.
    /// </summary>
    public Dictionary<string, string> Unreadable { get; } = new(StringComparer.Ordinal);

    /// <summary>The configuration key of the option, or <see langword="null"/> when it is not read from configuration.</summary>
    public string? KeyOf(string option) => Options.Contains(option) ? SectionPath + ":" + option : null;
}
