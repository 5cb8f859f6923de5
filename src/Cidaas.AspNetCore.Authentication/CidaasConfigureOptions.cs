using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Cidaas.AspNetCore.Authentication;

/// <summary>
/// Reads the options of each cidaas scheme from <c>Authentication:Schemes:{scheme}</c>, before the code's own
/// configuration runs. Keys: Authority, ClientId, ClientSecret, Scope (space-separated or an array), CallbackPath,
/// SignedOutCallbackPath, SignedOutRedirectUri, UsePkce, RequireHttpsMetadata, SaveTokens, GetClaimsFromUserInfoEndpoint,
/// ClientAuthenticationMethod, MetadataAddress, the endpoint addresses, AccessDeniedPath and BackchannelTimeout.
/// </summary>
internal sealed class CidaasConfigureOptions : IConfigureNamedOptions<CidaasOptions>
{
    private readonly IAuthenticationConfigurationProvider _configurationProvider;

    public CidaasConfigureOptions(IAuthenticationConfigurationProvider configurationProvider)
    {
        _configurationProvider = configurationProvider;
    }

    public void Configure(CidaasOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, CidaasOptions options)
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

        SetString(section, nameof(CidaasOptions.Authority), v => options.Authority = v);
        SetString(section, nameof(CidaasOptions.ClientId), v => options.ClientId = v);
        SetString(section, nameof(CidaasOptions.ClientSecret), v => options.ClientSecret = v);
        SetString(section, nameof(CidaasOptions.MetadataAddress), v => options.MetadataAddress = v);
        SetString(section, nameof(CidaasOptions.AuthorizationEndpoint), v => options.AuthorizationEndpoint = v);
        SetString(section, nameof(CidaasOptions.TokenEndpoint), v => options.TokenEndpoint = v);
        SetString(section, nameof(CidaasOptions.UserInformationEndpoint), v => options.UserInformationEndpoint = v);
        SetString(section, nameof(CidaasOptions.EndSessionEndpoint), v => options.EndSessionEndpoint = v);
        SetString(section, nameof(CidaasOptions.SignedOutRedirectUri), v => options.SignedOutRedirectUri = v);
        SetString(section, nameof(CidaasOptions.SignInScheme), v => options.SignInScheme = v);
        SetString(section, nameof(CidaasOptions.SignOutScheme), v => options.SignOutScheme = v);
        SetPath(section, nameof(CidaasOptions.CallbackPath), v => options.CallbackPath = v);
        SetPath(section, nameof(CidaasOptions.SignedOutCallbackPath), v => options.SignedOutCallbackPath = v);
        SetPath(section, nameof(CidaasOptions.AccessDeniedPath), v => options.AccessDeniedPath = v);
        SetBool(section, nameof(CidaasOptions.UsePkce), v => options.UsePkce = v);
        SetBool(section, nameof(CidaasOptions.RequireHttpsMetadata), v => options.RequireHttpsMetadata = v);
        SetBool(section, nameof(CidaasOptions.SaveTokens), v => options.SaveTokens = v);
        SetBool(section, nameof(CidaasOptions.GetClaimsFromUserInfoEndpoint), v => options.GetClaimsFromUserInfoEndpoint = v);

        if (section[nameof(CidaasOptions.ClientAuthenticationMethod)] is { Length: > 0 } method)
        {
            options.ClientAuthenticationMethod = Enum.TryParse<CidaasClientAuthenticationMethod>(method, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                ? parsed
                : (CidaasClientAuthenticationMethod)(-1); // reported by Validate()
        }

        if (section[nameof(CidaasOptions.BackchannelTimeout)] is { Length: > 0 } timeout
            && TimeSpan.TryParse(timeout, CultureInfo.InvariantCulture, out var parsedTimeout))
        {
            options.BackchannelTimeout = parsedTimeout;
        }

        var scopeSection = section.GetSection(nameof(CidaasOptions.Scope));
        var scopes = scopeSection.Value is { } text
            ? text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : scopeSection.GetChildren().Select(c => c.Value).OfType<string>().ToArray();
        if (scopes.Length > 0)
        {
            options.Scope.Clear();
            foreach (var scope in scopes)
            {
                options.Scope.Add(scope);
            }
        }
    }

    private static void SetString(IConfiguration section, string key, Action<string> set)
    {
        if (section[key] is { Length: > 0 } value)
        {
            set(value);
        }
    }

    private static void SetPath(IConfiguration section, string key, Action<PathString> set)
    {
        if (section[key] is { Length: > 0 } value)
        {
            // A value without the leading '/' is kept as written (as a PathString cannot hold it, it becomes empty)
            // so that Validate() names the option instead of the binder throwing.
            set(value.StartsWith('/') ? new PathString(value) : PathString.Empty);
        }
    }

    private static void SetBool(IConfiguration section, string key, Action<bool> set)
    {
        if (section[key] is { Length: > 0 } value && bool.TryParse(value, out var parsed))
        {
            set(parsed);
        }
    }
}
