using System.Globalization;
using Cidaas.AspNetCore.Authentication.Protocol;
using Microsoft.AspNetCore.Authentication;

namespace Cidaas.AspNetCore.Authentication.SignIn;

/// <summary>
/// The challenge options of one authorization request (issue 16): <c>view_type</c>, <c>prompt</c>, <c>max_age</c>,
/// <c>login_hint</c>, <c>ui_locales</c> and <c>acr_values</c>, each from the challenge's parameters
/// (<see cref="CidaasChallengeProperties"/> or <c>SetParameter</c>), else the scheme's option, else
/// <see cref="CidaasOptions.AdditionalAuthorizationParameters"/>. Every value is checked, whichever way it came. What the
/// callback checks travels in the protected state: the <c>max_age</c> sent, and the <c>acr_values</c> when
/// <see cref="CidaasOptions.RequireAcr"/> is on.
/// </summary>
internal readonly struct CidaasChallengeParameters
{
    private static readonly string[] Names =
    [
        CidaasChallengeParameterRules.ViewType, CidaasChallengeParameterRules.Prompt, CidaasChallengeParameterRules.MaxAge,
        CidaasChallengeParameterRules.LoginHint, CidaasChallengeParameterRules.UiLocales, CidaasChallengeParameterRules.AcrValues,
    ];

    private readonly string?[] _values;

    private CidaasChallengeParameters(string?[] values) => _values = values;

    /// <summary>
    /// Resolves the values, checks them, and writes what the callback needs into the state items of <paramref name="properties"/>
    /// (before the state is protected).
    /// </summary>
    /// <exception cref="ArgumentException">A value set through <c>SetParameter</c> or the options that cidaas would refuse.</exception>
    public static CidaasChallengeParameters Resolve(CidaasOptions options, AuthenticationProperties properties)
    {
        var values = new string?[Names.Length];
        for (var i = 0; i < Names.Length; i++)
        {
            var name = Names[i];
            var value = Format(properties.GetParameter<object>(name)) ?? FromOptions(options, name);
            if (value is not null)
            {
                CidaasChallengeParameterRules.ThrowIfInvalid(CidaasChallengeParameterRules.Check(name, value), name);
            }

            values[i] = value;
        }

        var maxAge = values[2];
        if (maxAge is not null)
        {
            properties.Items[CidaasStateKeys.MaxAge] = maxAge;
        }

        var acrValues = values[5];
        if (acrValues is not null && options.RequireAcr)
        {
            properties.Items[CidaasStateKeys.RequiredAcr] = acrValues;
        }

        return new CidaasChallengeParameters(values);
    }

    /// <summary>Adds the resolved parameters to an authorization request (a redirect URL or a pushed request's body).</summary>
    public void AddTo(CidaasParameterWriter writer)
    {
        for (var i = 0; i < Names.Length; i++)
        {
            if (_values[i] is { } value)
            {
                writer.Add(Names[i], value);
            }
        }
    }

    private static string? FromOptions(CidaasOptions options, string name)
    {
        var value = name switch
        {
            CidaasChallengeParameterRules.ViewType => options.ViewType,
            CidaasChallengeParameterRules.Prompt => options.Prompt,
            CidaasChallengeParameterRules.MaxAge => options.MaxAge is { } maxAge ? CidaasChallengeParameterRules.FormatMaxAge(maxAge) : null,
            CidaasChallengeParameterRules.UiLocales => options.UiLocales,
            CidaasChallengeParameterRules.AcrValues => options.AcrValues,
            _ => null,
        };
        return value ?? (options.AdditionalAuthorizationParameters.TryGetValue(name, out var additional) ? additional : null);
    }

    /// <summary>A parameter value as sent: text as is, a time span in whole seconds (refused when it has a fraction), a number invariantly.</summary>
    private static string? Format(object? value) => value switch
    {
        null => null,
        string text => text,
        TimeSpan span => CidaasChallengeParameterRules.CheckMaxAge(span) is null ? CidaasChallengeParameterRules.FormatMaxAge(span) : "-",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => null,
    };
}
