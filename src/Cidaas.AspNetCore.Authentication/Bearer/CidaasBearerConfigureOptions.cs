using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Cidaas.AspNetCore.Authentication;

/// <summary>
/// Reads the options of each cidaas bearer scheme from <c>Authentication:Schemes:{scheme}</c>, before the code's own
/// configuration runs. Keys: Authority, Audience, Audiences (space-separated or an array), TokenValidationMode, ClientId,
/// ClientSecret, ClientAuthenticationMethod, MetadataAddress, IntrospectionEndpoint, IntrospectionCacheDuration,
/// RequireHttpsMetadata, SaveToken, IncludeErrorDetails, ClockSkew, BackchannelTimeout and SigningKeyRefreshInterval.
/// </summary>
internal sealed class CidaasBearerConfigureOptions : IConfigureNamedOptions<CidaasBearerOptions>
{
    private readonly IAuthenticationConfigurationProvider _configurationProvider;

    public CidaasBearerConfigureOptions(IAuthenticationConfigurationProvider configurationProvider)
    {
        _configurationProvider = configurationProvider;
    }

    public void Configure(CidaasBearerOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, CidaasBearerOptions options)
    {
        if (string.IsNullOrEmpty(name))
        {
            return;
        }

        var section = _configurationProvider.GetSchemeConfiguration(name);
        if (!section.GetChildren().Any())
        {
            return;
        }

        SetString(section, nameof(CidaasBearerOptions.Authority), v => options.Authority = v);
        SetString(section, nameof(CidaasBearerOptions.Audience), v => options.Audience = v);
        SetString(section, nameof(CidaasBearerOptions.ClientId), v => options.ClientId = v);
        SetString(section, nameof(CidaasBearerOptions.ClientSecret), v => options.ClientSecret = v);
        SetString(section, nameof(CidaasBearerOptions.MetadataAddress), v => options.MetadataAddress = v);
        SetString(section, nameof(CidaasBearerOptions.IntrospectionEndpoint), v => options.IntrospectionEndpoint = v);
        SetBool(section, nameof(CidaasBearerOptions.RequireHttpsMetadata), v => options.RequireHttpsMetadata = v);
        SetBool(section, nameof(CidaasBearerOptions.SaveToken), v => options.SaveToken = v);
        SetBool(section, nameof(CidaasBearerOptions.IncludeErrorDetails), v => options.IncludeErrorDetails = v);
        SetTimeSpan(section, nameof(CidaasBearerOptions.IntrospectionCacheDuration), v => options.IntrospectionCacheDuration = v);
        SetTimeSpan(section, nameof(CidaasBearerOptions.BackchannelTimeout), v => options.BackchannelTimeout = v);
        SetTimeSpan(section, nameof(CidaasBearerOptions.SigningKeyRefreshInterval), v => options.SigningKeyRefreshInterval = v);
        SetTimeSpan(section, "ClockSkew", v => options.TokenValidationParameters.ClockSkew = v);

        if (section[nameof(CidaasBearerOptions.TokenValidationMode)] is { Length: > 0 } mode)
        {
            options.TokenValidationMode = Enum.TryParse<CidaasTokenValidationMode>(mode, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                ? parsed
                : (CidaasTokenValidationMode)(-1); // reported by Validate()
        }

        if (section[nameof(CidaasBearerOptions.ClientAuthenticationMethod)] is { Length: > 0 } method)
        {
            options.ClientAuthenticationMethod = Enum.TryParse<CidaasClientAuthenticationMethod>(method, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                ? parsed
                : (CidaasClientAuthenticationMethod)(-1); // reported by Validate()
        }

        var audiences = section.GetSection(nameof(CidaasBearerOptions.Audiences));
        var values = audiences.Value is { } text
            ? text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : audiences.GetChildren().Select(c => c.Value).OfType<string>().ToArray();
        foreach (var audience in values)
        {
            options.Audiences.Add(audience);
        }
    }

    private static void SetString(IConfiguration section, string key, Action<string> set)
    {
        if (section[key] is { Length: > 0 } value)
        {
            set(value);
        }
    }

    private static void SetBool(IConfiguration section, string key, Action<bool> set)
    {
        if (section[key] is { Length: > 0 } value && bool.TryParse(value, out var parsed))
        {
            set(parsed);
        }
    }

    private static void SetTimeSpan(IConfiguration section, string key, Action<TimeSpan> set)
    {
        if (section[key] is { Length: > 0 } value && TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var parsed))
        {
            set(parsed);
        }
    }
}
