using System.Reflection;

namespace Cidaas.AspNetCore.Authentication.Testing.Internal;

/// <summary>
/// Sets the properties that the options of OAuth/OpenID Connect handlers share by name, whatever their type: the
/// emulator references no handler package, and the options types have no common base that declares them.
/// </summary>
internal static class ClientOptionsConvention
{
    public static void Apply(object options, string authority, CidaasEmulatorClient client, Func<HttpMessageHandler> createHandler)
    {
        var type = options.GetType();
        var authorityProperty = Find<string>(type, "Authority");
        var handlerProperty = Find<HttpMessageHandler>(type, "BackchannelHttpHandler");
        if (authorityProperty is null || handlerProperty is null)
        {
            throw new ArgumentException(
                $"{type.Name} has no public settable 'Authority' (string) or 'BackchannelHttpHandler' (HttpMessageHandler): " +
                "set them to the emulator's Authority and CreateHandler() yourself.",
                nameof(options));
        }

        authorityProperty.SetValue(options, authority);
        handlerProperty.SetValue(options, createHandler());
        Find<string>(type, "ClientId")?.SetValue(options, client.ClientId);
        Find<string>(type, "ClientSecret")?.SetValue(options, client.ClientSecret.Length > 0 ? client.ClientSecret : null);
        Find<string>(type, "Audience")?.SetValue(options, client.ClientId);
        if (authority.StartsWith(Uri.UriSchemeHttp + "://", StringComparison.OrdinalIgnoreCase))
        {
            // The emulator on Kestrel listens on plain http at a loopback address.
            Find<bool>(type, "RequireHttpsMetadata")?.SetValue(options, false);
        }
    }

    /// <summary>The public instance property of that name nearest to the type (so a hiding property wins), if settable with a <typeparamref name="T"/>.</summary>
    private static PropertyInfo? Find<T>(Type type, string name)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            var property = current.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly);
            if (property is not null)
            {
                return property.SetMethod is { IsPublic: true } && property.PropertyType.IsAssignableFrom(typeof(T)) ? property : null;
            }
        }

        return null;
    }
}
