using System.Globalization;

namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>
/// What cidaas (and OpenID Connect Core §3.1.2.1) accepts for the per-challenge parameters <c>view_type</c>,
/// <c>prompt</c>, <c>max_age</c>, <c>login_hint</c>, <c>ui_locales</c> and <c>acr_values</c>. Each check returns the
/// reason a value is refused, or <see langword="null"/>; the reason quotes at most a short, one-line part of the value.
/// The challenge properties, the options' validation and the challenge itself share these rules.
/// </summary>
internal static class CidaasChallengeParameterRules
{
    public const string ViewType = "view_type";
    public const string Prompt = "prompt";
    public const string MaxAge = "max_age";
    public const string LoginHint = "login_hint";
    public const string UiLocales = "ui_locales";
    public const string AcrValues = "acr_values";

    /// <summary>The longest <c>login_hint</c> sent (an e-mail address is at most 254 characters; a phone number or sub is shorter).</summary>
    public const int MaxLoginHintLength = 256;

    /// <summary>The longest <c>ui_locales</c> or <c>acr_values</c> list sent.</summary>
    public const int MaxListLength = 512;

    /// <summary>The largest <c>max_age</c>: cidaas keeps <c>default_max_age</c> as a 32-bit number of seconds.</summary>
    public static readonly TimeSpan MaxMaxAge = TimeSpan.FromSeconds(int.MaxValue);

    private static readonly string[] PromptValues = ["none", "login", "consent", "select_account"];

    /// <summary>Whether <paramref name="name"/> is one of the parameters these rules cover.</summary>
    public static bool Covers(string name) => name is ViewType or Prompt or MaxAge or LoginHint or UiLocales or AcrValues;

    public static string? CheckViewType(string value)
        => value is CidaasViewType.Login or CidaasViewType.Register
            ? null
            : $"'{Quote(value)}' is not a cidaas view type: use '{CidaasViewType.Login}' or '{CidaasViewType.Register}'.";

    public static string? CheckPrompt(string value)
    {
        var values = value.Split(' ');
        if (values.Any(v => v.Length == 0))
        {
            return "the prompt values must be separated by single spaces, with none before or after them.";
        }

        foreach (var prompt in values)
        {
            if (!PromptValues.Contains(prompt, StringComparer.Ordinal))
            {
                return $"'{Quote(prompt)}' is not a prompt value of OpenID Connect Core §3.1.2.1: use none, login, consent or select_account.";
            }
        }

        if (values.Distinct(StringComparer.Ordinal).Count() != values.Length)
        {
            return "a prompt value is repeated.";
        }

        return values.Length > 1 && values.Contains("none", StringComparer.Ordinal)
            ? "'none' cannot be combined with another prompt value (OpenID Connect Core §3.1.2.1)."
            : null;
    }

    public static string? CheckMaxAge(TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            return "max_age must not be negative.";
        }

        if (value.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            return "max_age must be a whole number of seconds (it is sent in seconds).";
        }

        return value > MaxMaxAge ? $"max_age must be at most {int.MaxValue.ToString(CultureInfo.InvariantCulture)} seconds." : null;
    }

    public static string? CheckLoginHint(string value)
    {
        if (value.Length == 0 || value.Length > MaxLoginHintLength)
        {
            return $"the login hint must have 1 to {MaxLoginHintLength.ToString(CultureInfo.InvariantCulture)} characters.";
        }

        return value.Any(char.IsControl) ? "the login hint must not contain control characters." : null;
    }

    /// <summary>Language tags of BCP 47 (RFC 5646), by their shape: a 2–8 letter language (or <c>x</c>/<c>i</c>), then subtags of 1–8 letters or digits.</summary>
    public static string? CheckUiLocales(string value)
        => CheckList(value, "ui_locales", IsLanguageTag, "is not a BCP 47 language tag (such as 'en', 'de-DE' or 'zh-Hant-TW')");

    /// <summary>Authentication context class references: printable ASCII without spaces, quotes or backslashes (often URIs).</summary>
    public static string? CheckAcrValues(string value)
        => CheckList(value, "acr_values", static acr => acr.All(c => c is > ' ' and < (char)0x7F and not '"' and not '\\'), "is not an acr value (printable ASCII without quotes or backslashes)");

    /// <summary>The first reason to refuse <paramref name="value"/> as the parameter <paramref name="name"/> (a string, or a time span for <c>max_age</c>).</summary>
    public static string? Check(string name, string value) => name switch
    {
        ViewType => CheckViewType(value),
        Prompt => CheckPrompt(value),
        MaxAge => TryParseMaxAge(value, out var maxAge) ? CheckMaxAge(maxAge) : "max_age must be a whole, non-negative number of seconds.",
        LoginHint => CheckLoginHint(value),
        UiLocales => CheckUiLocales(value),
        AcrValues => CheckAcrValues(value),
        _ => null,
    };

    /// <summary><c>max_age</c> as sent: digits only, a number of seconds.</summary>
    public static bool TryParseMaxAge(string value, out TimeSpan maxAge)
    {
        maxAge = default;
        if (value.Length is 0 or > 10 || !value.All(char.IsAsciiDigit) || !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }

        maxAge = TimeSpan.FromSeconds(seconds);
        return true;
    }

    /// <summary><c>max_age</c> as sent: whole seconds, invariant culture.</summary>
    public static string FormatMaxAge(TimeSpan maxAge) => ((long)maxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture);

    /// <summary>Throws the <see cref="ArgumentException"/> of a refused value, naming the property.</summary>
    public static void ThrowIfInvalid(string? reason, string paramName)
    {
        if (reason is not null)
        {
            throw new ArgumentException($"The value is not valid for '{paramName}': {reason}", paramName);
        }
    }

    private static string? CheckList(string value, string name, Func<string, bool> isValid, string refusal)
    {
        if (value.Length == 0 || value.Length > MaxListLength)
        {
            return $"{name} must have 1 to {MaxListLength.ToString(CultureInfo.InvariantCulture)} characters.";
        }

        foreach (var item in value.Split(' '))
        {
            if (item.Length == 0)
            {
                return $"the values of {name} must be separated by single spaces, with none before or after them.";
            }

            if (!isValid(item))
            {
                return $"'{Quote(item)}' {refusal}.";
            }
        }

        return null;
    }

    private static bool IsLanguageTag(string tag)
    {
        var subtags = tag.Split('-');
        var first = subtags[0];
        var firstValid = first is "x" or "i" or "X" or "I" || (first.Length is >= 2 and <= 8 && first.All(char.IsAsciiLetter));
        return firstValid && tag.Length <= 64
            && subtags.Skip(1).All(s => s.Length is >= 1 and <= 8 && s.All(char.IsAsciiLetterOrDigit))
            && (subtags.Length > 1 || first.Length >= 2);
    }

    // A refused value is quoted short and on one line: it may come from a request and be long or hold line breaks.
    private static string Quote(string value) => CidaasErrors.Clean(value.Length > 40 ? value[..40] + "…" : value);
}
