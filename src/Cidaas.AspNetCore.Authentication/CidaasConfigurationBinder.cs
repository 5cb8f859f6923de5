using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Cidaas.AspNetCore.Authentication;

/// <summary>
/// Reads the options of a cidaas scheme from <c>Authentication:Schemes:{scheme}</c>, before the code's own configuration
/// runs; a scheme without such a section is left alone. A key that is missing or empty changes nothing; a value that
/// does not parse is ignored, except where <c>Validate()</c> must name it (an unknown enum value, a path without '/').
/// Each scheme's binder lists its keys in <see cref="Bind"/>.
/// </summary>
/// <typeparam name="TOptions">The options of the scheme.</typeparam>
internal abstract class CidaasConfigurationBinder<TOptions> : IConfigureNamedOptions<TOptions>
    where TOptions : class
{
    private readonly IAuthenticationConfigurationProvider _configurationProvider;

    protected CidaasConfigurationBinder(IAuthenticationConfigurationProvider configurationProvider)
    {
        _configurationProvider = configurationProvider;
    }

    public void Configure(TOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, TOptions options)
    {
        if (string.IsNullOrEmpty(name))
        {
            return;
        }

        var section = _configurationProvider.GetSchemeConfiguration(name);
        if (section.GetChildren().Any())
        {
            Bind(section, options);
        }
    }

    /// <summary>Applies the scheme's section to the options.</summary>
    protected abstract void Bind(IConfiguration section, TOptions options);

    protected static void SetString(IConfiguration section, string key, Action<string> set)
    {
        if (section[key] is { Length: > 0 } value)
        {
            set(value);
        }
    }

    protected static void SetBool(IConfiguration section, string key, Action<bool> set)
    {
        if (section[key] is { Length: > 0 } value && bool.TryParse(value, out var parsed))
        {
            set(parsed);
        }
    }

    protected static void SetTimeSpan(IConfiguration section, string key, Action<TimeSpan> set)
    {
        if (section[key] is { Length: > 0 } value && TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var parsed))
        {
            set(parsed);
        }
    }

    protected static void SetPath(IConfiguration section, string key, Action<PathString> set)
    {
        if (section[key] is { Length: > 0 } value)
        {
            // A value without the leading '/' is kept as written (as a PathString cannot hold it, it becomes empty)
            // so that Validate() names the option instead of the binder throwing.
            set(value.StartsWith('/') ? new PathString(value) : PathString.Empty);
        }
    }

    /// <summary>A name of <typeparamref name="TEnum"/> (any letter case); anything else becomes -1, which Validate() reports.</summary>
    protected static void SetEnum<TEnum>(IConfiguration section, string key, Action<TEnum> set)
        where TEnum : struct, Enum
    {
        if (section[key] is { Length: > 0 } value)
        {
            set(Enum.TryParse<TEnum>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                ? parsed
                : (TEnum)Enum.ToObject(typeof(TEnum), -1));
        }
    }

    /// <summary>A list written as one space-separated string or as an array; empty when the key is missing.</summary>
    protected static string[] GetList(IConfiguration section, string key)
    {
        var list = section.GetSection(key);
        return list.Value is { } text
            ? text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : list.GetChildren().Select(c => c.Value).OfType<string>().ToArray();
    }
}
