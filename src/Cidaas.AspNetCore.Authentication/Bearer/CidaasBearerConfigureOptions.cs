using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;

namespace Cidaas.AspNetCore.Authentication.Bearer;

/// <summary>
/// Reads the options of each cidaas bearer scheme from <c>Authentication:Schemes:{scheme}</c>, before the code's own
/// configuration runs. Keys: Authority, Audience, Audiences (space-separated or an array), TokenValidationMode, ClientId,
/// ClientSecret, ClientAuthenticationMethod, MetadataAddress, IntrospectionEndpoint, IntrospectionCacheDuration,
/// RequireHttpsMetadata, SaveToken, IncludeErrorDetails, ClockSkew, BackchannelTimeout, SigningKeyRefreshInterval and
/// ClientAssertionAudience.
/// </summary>
internal sealed class CidaasBearerConfigureOptions(IAuthenticationConfigurationProvider configurationProvider)
    : CidaasConfigurationBinder<CidaasBearerOptions>(configurationProvider)
{
    private static readonly string[] OptionNames =
    [
        nameof(CidaasBearerOptions.Authority), nameof(CidaasBearerOptions.Audience), nameof(CidaasBearerOptions.TokenValidationMode),
            nameof(CidaasBearerOptions.ClientId), nameof(CidaasBearerOptions.ClientSecret), nameof(CidaasBearerOptions.ClientAuthenticationMethod),
            nameof(CidaasBearerOptions.MetadataAddress), nameof(CidaasBearerOptions.IntrospectionEndpoint), nameof(CidaasBearerOptions.IntrospectionCacheDuration),
            nameof(CidaasBearerOptions.RequireHttpsMetadata), nameof(CidaasBearerOptions.SaveToken), nameof(CidaasBearerOptions.IncludeErrorDetails),
            nameof(CidaasBearerOptions.BackchannelTimeout), nameof(CidaasBearerOptions.SigningKeyRefreshInterval),
            nameof(CidaasBearerOptions.ClientAssertionAudience),
    ];

    protected override IReadOnlyCollection<string> Keys { get; } = [.. OptionNames, "ClockSkew", nameof(CidaasBearerOptions.Audiences)];

    protected override void SetKeys(CidaasBearerOptions options, CidaasConfigurationKeys keys) => options.ConfigurationKeys = keys;

    protected override Type? TypeOf(string key) => key == "ClockSkew" ? typeof(TimeSpan) : base.TypeOf(key);

    protected override void Bind(IConfiguration section, CidaasBearerOptions options)
    {
        SetOptions(section, options, OptionNames);

        if (TryGetTimeSpan(section, "ClockSkew", out var clockSkew))
        {
            options.TokenValidationParameters.ClockSkew = clockSkew;
        }

        foreach (var audience in GetList(section, nameof(CidaasBearerOptions.Audiences)))
        {
            options.Audiences.Add(audience);
        }
    }
}
