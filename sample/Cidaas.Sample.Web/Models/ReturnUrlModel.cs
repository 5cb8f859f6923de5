namespace Cidaas.Sample.Web.Models;

/// <summary>A page that offers to go back where the user wanted to go.</summary>
/// <param name="ReturnUrl">A local URL, or <see langword="null"/>.</param>
public sealed record ReturnUrlModel(string? ReturnUrl);
