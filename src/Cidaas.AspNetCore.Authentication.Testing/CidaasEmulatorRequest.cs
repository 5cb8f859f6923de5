namespace Cidaas.AspNetCore.Authentication.Testing;

/// <summary>
/// A request the emulator received, as recorded before it was handled.
/// </summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The request path relative to the authority, e.g. <c>/token-srv/token</c>.</param>
/// <param name="QueryString">The raw query string including the leading <c>?</c>, or empty.</param>
/// <param name="Form">The parsed form body of a form POST (values of repeated fields joined with <c>,</c>); empty otherwise.</param>
/// <param name="Headers">The request headers (case-insensitive names; repeated values joined with <c>,</c>).</param>
public sealed record CidaasEmulatorRequest(
    string Method,
    string Path,
    string QueryString,
    IReadOnlyDictionary<string, string> Form,
    IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>
    /// The body of an <c>application/json</c> request (as cidaas's clients send to the introspection endpoint), up to
    /// 64 KiB; <see langword="null"/> otherwise.
    /// </summary>
    public string? JsonBody { get; init; }
}
