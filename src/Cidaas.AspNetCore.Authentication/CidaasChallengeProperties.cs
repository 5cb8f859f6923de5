using Cidaas.AspNetCore.Authentication.Protocol;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth;

namespace Cidaas.AspNetCore.Authentication;

/// <summary>
/// The properties of one cidaas challenge: cidaas's <c>view_type</c> and OpenID Connect's <c>prompt</c>, <c>max_age</c>,
/// <c>login_hint</c>, <c>ui_locales</c> and <c>acr_values</c>. Each value is checked when it is set: one that cidaas
/// would refuse throws an <see cref="ArgumentException"/> here, not a failed round trip. Set to <see langword="null"/>,
/// the scheme's option of the same name applies (<see cref="CidaasOptions.ViewType"/> and the others). The values
/// live in <see cref="AuthenticationProperties.Parameters"/>, so they are sent without being kept in the state; only
/// what the callback checks (the <c>max_age</c> sent, the <c>acr_values</c> required) travels in it.
/// </summary>
public class CidaasChallengeProperties : OAuthChallengeProperties
{
    /// <summary>The parameter key of <see cref="ViewType"/>.</summary>
    public static readonly string ViewTypeKey = CidaasChallengeParameterRules.ViewType;

    /// <summary>The parameter key of <see cref="Prompt"/>.</summary>
    public static readonly string PromptKey = CidaasChallengeParameterRules.Prompt;

    /// <summary>The parameter key of <see cref="MaxAge"/>.</summary>
    public static readonly string MaxAgeKey = CidaasChallengeParameterRules.MaxAge;

    /// <summary>The parameter key of <see cref="LoginHint"/>.</summary>
    public static readonly string LoginHintKey = CidaasChallengeParameterRules.LoginHint;

    /// <summary>The parameter key of <see cref="UiLocales"/>.</summary>
    public static readonly string UiLocalesKey = CidaasChallengeParameterRules.UiLocales;

    /// <summary>The parameter key of <see cref="AcrValues"/>.</summary>
    public static readonly string AcrValuesKey = CidaasChallengeParameterRules.AcrValues;

    /// <summary>Creates empty properties.</summary>
    public CidaasChallengeProperties()
    {
    }

    /// <summary>Creates properties with the given items.</summary>
    /// <param name="items">The state values.</param>
    public CidaasChallengeProperties(IDictionary<string, string?> items)
        : base(items)
    {
    }

    /// <summary>Creates properties with the given items and parameters; the parameters this type knows are checked.</summary>
    /// <param name="items">The state values.</param>
    /// <param name="parameters">The parameters.</param>
    public CidaasChallengeProperties(IDictionary<string, string?> items, IDictionary<string, object?> parameters)
        : base(items, parameters)
    {
        ViewType = GetParameter<string>(ViewTypeKey);
        Prompt = GetParameter<string>(PromptKey);
        MaxAge = GetParameter<TimeSpan?>(MaxAgeKey);
        LoginHint = GetParameter<string>(LoginHintKey);
        UiLocales = GetParameter<string>(UiLocalesKey);
        AcrValues = GetParameter<string>(AcrValuesKey);
    }

    /// <summary>
    /// cidaas's <c>view_type</c>: <see cref="CidaasViewType.Login"/> or <see cref="CidaasViewType.Register"/> (a
    /// "Create account" button).
    /// </summary>
    /// <exception cref="ArgumentException">Another value.</exception>
    public string? ViewType
    {
        get => GetParameter<string>(ViewTypeKey);
        set => Set(ViewTypeKey, value, CidaasChallengeParameterRules.CheckViewType, nameof(ViewType));
    }

    /// <summary>
    /// <c>prompt</c> (OpenID Connect Core §3.1.2.1): <c>none</c>, <c>login</c>, <c>consent</c> or <c>select_account</c>,
    /// several separated by single spaces, <c>none</c> only alone. <c>none</c> signs in only through an existing cidaas
    /// session; without one the sign-in fails with <c>login_required</c> (CIDAAS1012).
    /// </summary>
    /// <exception cref="ArgumentException">Another value, a repeated one, or <c>none</c> with another.</exception>
    public string? Prompt
    {
        get => GetParameter<string>(PromptKey);
        set => Set(PromptKey, value, CidaasChallengeParameterRules.CheckPrompt, nameof(Prompt));
    }

    /// <summary>
    /// <c>max_age</c>: the oldest authentication accepted; cidaas asks the user to sign in again when the session is
    /// older. The callback then requires the id_token's <c>auth_time</c> and checks it (CIDAAS3020/CIDAAS3021).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative value, a fraction of a second, or more than 2^31-1 seconds.</exception>
    public TimeSpan? MaxAge
    {
        get => GetParameter<TimeSpan?>(MaxAgeKey);
        set
        {
            if (value is { } maxAge && CidaasChallengeParameterRules.CheckMaxAge(maxAge) is { } reason)
            {
                throw new ArgumentOutOfRangeException(nameof(MaxAge), $"The value is not valid for '{nameof(MaxAge)}': {reason}");
            }

            SetParameter(MaxAgeKey, value);
        }
    }

    /// <summary><c>login_hint</c>: the user's login name or e-mail address, pre-filled on cidaas's login page.</summary>
    /// <exception cref="ArgumentException">An empty value, one longer than 256 characters, or one with control characters.</exception>
    public string? LoginHint
    {
        get => GetParameter<string>(LoginHintKey);
        set => Set(LoginHintKey, value, CidaasChallengeParameterRules.CheckLoginHint, nameof(LoginHint));
    }

    /// <summary><c>ui_locales</c>: BCP 47 language tags, most preferred first, separated by single spaces (<c>de-DE en</c>).</summary>
    /// <exception cref="ArgumentException">A value that is not such a list.</exception>
    public string? UiLocales
    {
        get => GetParameter<string>(UiLocalesKey);
        set => Set(UiLocalesKey, value, CidaasChallengeParameterRules.CheckUiLocales, nameof(UiLocales));
    }

    /// <summary>
    /// <c>acr_values</c>: the authentication context classes asked for, most preferred first, separated by single spaces.
    /// cidaas may answer with another class; with <see cref="CidaasOptions.RequireAcr"/> the callback requires the
    /// id_token's <c>acr</c> to be one of these (CIDAAS3022).
    /// </summary>
    /// <exception cref="ArgumentException">A value that is not such a list.</exception>
    public string? AcrValues
    {
        get => GetParameter<string>(AcrValuesKey);
        set => Set(AcrValuesKey, value, CidaasChallengeParameterRules.CheckAcrValues, nameof(AcrValues));
    }

    private void Set(string key, string? value, Func<string, string?> check, string paramName)
    {
        if (value is not null)
        {
            CidaasChallengeParameterRules.ThrowIfInvalid(check(value), paramName);
        }

        SetParameter(key, value);
    }
}
