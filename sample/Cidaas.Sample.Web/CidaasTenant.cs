namespace Cidaas.Sample.Web;

/// <summary>
/// The cidaas tenant from configuration (<c>Cidaas:Authority</c>, <c>Cidaas:ClientId</c>, <c>Cidaas:ClientSecret</c>,
/// <c>Cidaas:Scope</c>), from appsettings, environment variables (<c>Cidaas__ClientSecret</c>) or user secrets.
/// No <c>Authority</c> means: use the embedded emulator.
/// </summary>
internal sealed record CidaasTenant(string? Authority, string? ClientId, string? ClientSecret, string[] Scope)
{
    public static CidaasTenant FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection("Cidaas");
        return new CidaasTenant(
            NullIfBlank(section["Authority"]),
            NullIfBlank(section["ClientId"]),
            NullIfBlank(section["ClientSecret"]),
            (section["Scope"] ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    // Never print the secret, not even in a debugger's view of the record.
    public override string ToString() => $"CidaasTenant {{ Authority = {Authority}, ClientId = {ClientId} }}";

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
