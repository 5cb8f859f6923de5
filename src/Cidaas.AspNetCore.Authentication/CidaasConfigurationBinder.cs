using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Cidaas.AspNetCore.Authentication.Protocol;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Cidaas.AspNetCore.Authentication;

/// <summary>
/// Reads the options of a cidaas scheme from <c>Authentication:Schemes:{scheme}</c>, before the code's own configuration
/// runs; a scheme without such a section is left alone. Each scheme's binder names its keys in <see cref="Bind"/>; a key
/// is the name of the option it sets (<see cref="SetOptions"/>). A key that is missing or empty changes nothing; a value
/// that does not parse leaves the option as it is and is remembered, so that <c>Validate()</c> names the key instead of
/// the default taking its place unseen: <c>true</c>/<c>false</c>, a time span, an unknown name of an enum, a path
/// without a leading '/'.
/// </summary>
/// <typeparam name="TOptions">The options of the scheme.</typeparam>
internal abstract class CidaasConfigurationBinder<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] TOptions>
    : IConfigureNamedOptions<TOptions>
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
        var keys = new CidaasConfigurationKeys(section is IConfigurationSection { Path: { Length: > 0 } path } ? path : $"Authentication:Schemes:{name}", Keys);
        SetKeys(options, keys);
        if (!section.GetChildren().Any())
        {
            return;
        }

        Bind(section, options);
        foreach (var key in Keys)
        {
            if (section[key] is not { Length: > 0 } value)
            {
                continue;
            }

            var type = TypeOf(key);
            if (type == typeof(PathString) && !value.StartsWith('/'))
            {
                keys.InvalidPaths.Add(key);
            }
            else if ((type == typeof(bool) && !bool.TryParse(value, out _))
                || (type == typeof(TimeSpan) && !TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out _)))
            {
                keys.Unreadable[key] = type == typeof(bool)
                    ? "must be true or false; the configured value is not."
                    : "must be a time span such as 00:05:00 (hh:mm:ss) or 1.00:00:00 (d.hh:mm:ss); the configured value is not.";
            }
        }
    }

    /// <summary>The type a key's value is read as: the type of the option of the same name.</summary>
    protected virtual Type? TypeOf(string key) => typeof(TOptions).GetProperty(key)?.PropertyType;

    /// <summary>The names of the options <see cref="Bind"/> reads, each under a key of the same name.</summary>
    protected abstract IReadOnlyCollection<string> Keys { get; }

    /// <summary>Remembers where the options are read from, for the messages of their validation.</summary>
    protected abstract void SetKeys(TOptions options, CidaasConfigurationKeys keys);

    /// <summary>Applies the scheme's section to the options.</summary>
    protected abstract void Bind(IConfiguration section, TOptions options);

    /// <summary>
    /// Sets each named option the section holds a value for, read as the option's type: text, a path, <c>true</c> or
    /// <c>false</c>, a time span (invariant culture) or a name of the enum (any letter case; another word, a number or a
    /// list of names becomes -1, which <c>Validate()</c> reports). A client authentication method may also be given by its RFC 8414 name, as cidaas
    /// spells it (<c>private_key_jwt</c>; <see cref="CidaasClientAuthentication.TryParseMethodName"/>).
    /// </summary>
    protected static void SetOptions(IConfiguration section, TOptions options, params ReadOnlySpan<string> names)
    {
        foreach (var name in names)
        {
            if (section[name] is not { Length: > 0 } value)
            {
                continue;
            }

            var property = typeof(TOptions).GetProperty(name) ?? throw new InvalidOperationException($"{typeof(TOptions).Name} has no option '{name}'.");
            if (Parse(property.PropertyType, value) is { } parsed)
            {
                property.SetValue(options, parsed);
            }
        }
    }

    /// <summary>A time span (invariant culture), when the key holds one.</summary>
    protected static bool TryGetTimeSpan(IConfiguration section, string key, out TimeSpan value)
    {
        value = default;
        return section[key] is { Length: > 0 } text && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>A list written as one space-separated string or as an array; empty when the key is missing.</summary>
    protected static string[] GetList(IConfiguration section, string key)
    {
        var list = section.GetSection(key);
        return list.Value is { } text
            ? text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : list.GetChildren().Select(c => c.Value).OfType<string>().ToArray();
    }

    private static object? Parse(Type type, string value)
    {
        if (type == typeof(string))
        {
            return value;
        }

        if (type == typeof(bool))
        {
            return bool.TryParse(value, out var flag) ? flag : null;
        }

        if (type == typeof(TimeSpan))
        {
            return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var span) ? span : null;
        }

        if (type == typeof(PathString))
        {
            // A value without the leading '/' is kept as an empty path (a PathString cannot hold it), so that Validate()
            // names the option instead of the binder throwing.
            return value.StartsWith('/') ? new PathString(value) : PathString.Empty;
        }

        if (type == typeof(CidaasClientAuthenticationMethod) && CidaasClientAuthentication.TryParseMethodName(value, out var method))
        {
            return method;
        }

        if (type.IsEnum)
        {
            // A name, and only a name: Enum.TryParse would also read a number ("3") and a list ("ClientSecretBasic,
            // ClientSecretJwt" is 1|2, which is PrivateKeyJwt), so that a typo could pick an option no one named.
            var name = value.Trim();
            return Enum.GetNames(type).FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase)) is { } known
                ? Enum.Parse(type, known)
                : Enum.ToObject(type, -1);
        }

        throw new InvalidOperationException($"Options of type {type.Name} are not read from configuration.");
    }
}
