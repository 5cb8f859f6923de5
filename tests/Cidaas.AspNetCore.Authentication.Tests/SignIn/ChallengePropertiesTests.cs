using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cidaas.AspNetCore.Authentication.Tests.SignIn;

/// <summary>Issue 16: each challenge property refuses at the call site what cidaas would refuse; the options give defaults, checked the same way.</summary>
public sealed class ChallengePropertiesTests
{
    public static TheoryData<string, string> GoodValues => new()
    {
        { nameof(CidaasChallengeProperties.ViewType), "login" },
        { nameof(CidaasChallengeProperties.ViewType), "register" },
        { nameof(CidaasChallengeProperties.Prompt), "none" },
        { nameof(CidaasChallengeProperties.Prompt), "login" },
        { nameof(CidaasChallengeProperties.Prompt), "login consent" },
        { nameof(CidaasChallengeProperties.Prompt), "select_account consent login" },
        { nameof(CidaasChallengeProperties.LoginHint), "alice@example.com" },
        { nameof(CidaasChallengeProperties.LoginHint), "+49 170 1234567" },
        { nameof(CidaasChallengeProperties.UiLocales), "de-DE" },
        { nameof(CidaasChallengeProperties.UiLocales), "de-DE en-US en" },
        { nameof(CidaasChallengeProperties.UiLocales), "zh-Hant-TW" },
        { nameof(CidaasChallengeProperties.UiLocales), "x-klingon" },
        { nameof(CidaasChallengeProperties.AcrValues), "default" },
        { nameof(CidaasChallengeProperties.AcrValues), "urn:mace:incommon:iap:silver mfa" },
    };

    [Theory]
    [MemberData(nameof(GoodValues))]
    public void A_value_cidaas_accepts_is_kept_as_a_parameter(string property, string value)
    {
        var properties = new CidaasChallengeProperties();

        Set(properties, property, value);

        typeof(CidaasChallengeProperties).GetProperty(property)!.GetValue(properties).Should().Be(value);
        properties.Parameters.Values.Should().Contain(value);
        properties.Items.Should().BeEmpty("the values are parameters, not state");
    }

    public static TheoryData<string, string, string> BadValues => new()
    {
        { nameof(CidaasChallengeProperties.ViewType), "signup", "'signup' is not a cidaas view type" },
        { nameof(CidaasChallengeProperties.ViewType), "Login", "is not a cidaas view type" },
        { nameof(CidaasChallengeProperties.ViewType), "", "is not a cidaas view type" },
        { nameof(CidaasChallengeProperties.Prompt), "create", "'create' is not a prompt value" },
        { nameof(CidaasChallengeProperties.Prompt), "none login", "'none' cannot be combined" },
        { nameof(CidaasChallengeProperties.Prompt), "login login", "repeated" },
        { nameof(CidaasChallengeProperties.Prompt), "login  consent", "single spaces" },
        { nameof(CidaasChallengeProperties.Prompt), " login", "single spaces" },
        { nameof(CidaasChallengeProperties.Prompt), "", "single spaces" },
        { nameof(CidaasChallengeProperties.LoginHint), "", "1 to 256 characters" },
        { nameof(CidaasChallengeProperties.LoginHint), new string('a', 257), "1 to 256 characters" },
        { nameof(CidaasChallengeProperties.LoginHint), "alice\r\nSet-Cookie: x", "control characters" },
        { nameof(CidaasChallengeProperties.UiLocales), "de_DE", "'de_DE' is not a BCP 47 language tag" },
        { nameof(CidaasChallengeProperties.UiLocales), "de-DE,en", "is not a BCP 47 language tag" },
        { nameof(CidaasChallengeProperties.UiLocales), "e", "is not a BCP 47 language tag" },
        { nameof(CidaasChallengeProperties.UiLocales), "en-toolongsubtag", "is not a BCP 47 language tag" },
        { nameof(CidaasChallengeProperties.UiLocales), "de  en", "single spaces" },
        { nameof(CidaasChallengeProperties.AcrValues), "", "1 to 512 characters" },
        { nameof(CidaasChallengeProperties.AcrValues), "mfa\"", "is not an acr value" },
        { nameof(CidaasChallengeProperties.AcrValues), "mf\u00e4", "is not an acr value" },
        { nameof(CidaasChallengeProperties.AcrValues), "a " + new string('b', 600), "1 to 512 characters" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void A_value_cidaas_would_refuse_throws_at_the_call_site_naming_the_property(string property, string value, string expected)
    {
        var properties = new CidaasChallengeProperties();

        var thrown = properties.Invoking(p => Set(p, property, value)).Should().Throw<ArgumentException>().Which;

        thrown.ParamName.Should().Be(property);
        thrown.Message.Should().Contain(expected).And.Contain($"'{property}'");
        properties.Parameters.Should().BeEmpty();
    }

    [Fact]
    public void A_refused_value_is_quoted_short_and_on_one_line()
    {
        var value = "de_DE" + new string('x', 5000) + "\nnext line";

        var thrown = new CidaasChallengeProperties().Invoking(p => p.UiLocales = value).Should().Throw<ArgumentException>().Which;

        thrown.Message.Length.Should().BeLessThan(400);
        thrown.Message.Should().NotContain("\n").And.NotContain(new string('x', 100));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(86_400)]
    [InlineData(int.MaxValue)]
    public void MaxAge_takes_whole_non_negative_seconds(long seconds)
    {
        var properties = new CidaasChallengeProperties { MaxAge = TimeSpan.FromSeconds(seconds) };

        properties.MaxAge.Should().Be(TimeSpan.FromSeconds(seconds));
        properties.Parameters[CidaasChallengeProperties.MaxAgeKey].Should().Be(TimeSpan.FromSeconds(seconds));
    }

    [Theory]
    [InlineData(-1L, "must not be negative")]
    [InlineData(5_000L, "whole number of seconds")]
    [InlineData((long)int.MaxValue * TimeSpan.TicksPerSecond + TimeSpan.TicksPerSecond, "at most 2147483647 seconds")]
    public void MaxAge_refuses_negative_fractional_and_huge_spans(long ticks, string expected)
    {
        var thrown = new CidaasChallengeProperties().Invoking(p => p.MaxAge = TimeSpan.FromTicks(ticks))
            .Should().Throw<ArgumentOutOfRangeException>().Which;

        thrown.ParamName.Should().Be(nameof(CidaasChallengeProperties.MaxAge));
        thrown.Message.Should().Contain(expected);
    }

    [Fact]
    public void Null_clears_a_property_so_that_the_option_applies()
    {
        var properties = new CidaasChallengeProperties { Prompt = "login", MaxAge = TimeSpan.FromMinutes(5), ViewType = CidaasViewType.Register };

        properties.Prompt = null;
        properties.MaxAge = null;
        properties.ViewType = null;

        properties.Prompt.Should().BeNull();
        properties.MaxAge.Should().BeNull();
        properties.ViewType.Should().BeNull();
    }

    [Fact]
    public void Parameters_handed_to_the_constructor_are_checked_too()
    {
        var parameters = new Dictionary<string, object?> { [CidaasChallengeProperties.PromptKey] = "none login" };

        var act = () => new CidaasChallengeProperties(new Dictionary<string, string?>(), parameters);

        act.Should().Throw<ArgumentException>().WithParameterName(nameof(CidaasChallengeProperties.Prompt));
    }

    private static CidaasOptions ValidOptions() => new()
    {
        Authority = "https://tenant.cidaas.eu",
        ClientId = "id",
        ClientSecret = "super-secret-value",
        SignInScheme = "Cookies",
    };

    [Fact]
    public void The_options_send_no_challenge_option_by_default()
    {
        var options = new CidaasOptions();

        options.ViewType.Should().BeNull();
        options.Prompt.Should().BeNull();
        options.MaxAge.Should().BeNull();
        options.UiLocales.Should().BeNull();
        options.AcrValues.Should().BeNull();
        options.RequireAcr.Should().BeFalse();
    }

    [Fact]
    public void Valid_challenge_options_pass_validation()
    {
        var options = ValidOptions();
        options.ViewType = CidaasViewType.Register;
        options.Prompt = "login";
        options.MaxAge = TimeSpan.FromSeconds(86_400);
        options.UiLocales = "de-DE en";
        options.AcrValues = "default";
        options.RequireAcr = true;

        options.Invoking(o => o.Validate()).Should().NotThrow();
    }

    public static TheoryData<string, Action<CidaasOptions>, string> OptionMistakes => new()
    {
        { "view type", o => o.ViewType = "signup", "'ViewType' option is not valid: 'signup' is not a cidaas view type" },
        { "prompt", o => o.Prompt = "none consent", "'Prompt' option is not valid: 'none' cannot be combined" },
        { "negative max_age", o => o.MaxAge = TimeSpan.FromSeconds(-5), "'MaxAge' option is not valid: max_age must not be negative" },
        { "fractional max_age", o => o.MaxAge = TimeSpan.FromMilliseconds(1500), "'MaxAge' option is not valid: max_age must be a whole number of seconds" },
        { "ui_locales", o => o.UiLocales = "de_DE", "'UiLocales' option is not valid" },
        { "acr_values", o => o.AcrValues = " mfa", "'AcrValues' option is not valid" },
        { "additional prompt", o => o.AdditionalAuthorizationParameters["prompt"] = "sometimes", "'AdditionalAuthorizationParameters[prompt]' option is not valid" },
        { "additional max_age", o => o.AdditionalAuthorizationParameters["max_age"] = "5m", "'AdditionalAuthorizationParameters[max_age]' option is not valid" },
        { "additional view_type", o => o.AdditionalAuthorizationParameters["view_type"] = "signup", "'AdditionalAuthorizationParameters[view_type]' option is not valid" },
    };

    [Theory]
    [MemberData(nameof(OptionMistakes))]
    public void Each_challenge_option_mistake_gets_a_message_that_names_the_option(string mistake, Action<CidaasOptions> spoil, string expected)
    {
        _ = mistake;
        var options = ValidOptions();
        spoil(options);

        options.Invoking(o => o.Validate()).Should().Throw<ArgumentException>().Which.Message.Should().Contain(expected);
    }

    [Theory]
    [InlineData("300", 300)]
    [InlineData("86400", 86_400)]
    [InlineData("00:05:00", 300)]
    [InlineData("1.00:00:00", 86_400)]
    public void MaxAge_is_read_from_configuration_as_seconds_like_cidaas_default_max_age_or_as_a_time_span(string configured, int seconds)
    {
        var options = BindFromConfiguration(new() { ["MaxAge"] = configured });

        options.MaxAge.Should().Be(TimeSpan.FromSeconds(seconds), "a bare number is seconds, never days");
    }

    [Fact]
    public void The_challenge_options_are_read_from_configuration()
    {
        var options = BindFromConfiguration(new()
        {
            ["ViewType"] = "register",
            ["Prompt"] = "login consent",
            ["UiLocales"] = "de-DE en",
            ["AcrValues"] = "default mfa",
            ["RequireAcr"] = "true",
        });

        options.ViewType.Should().Be(CidaasViewType.Register);
        options.Prompt.Should().Be("login consent");
        options.UiLocales.Should().Be("de-DE en");
        options.AcrValues.Should().Be("default mfa");
        options.RequireAcr.Should().BeTrue();
    }

    [Theory]
    [InlineData("five minutes")]
    [InlineData("-300")]
    [InlineData("1.5")]
    public void A_configured_max_age_that_cannot_be_read_stops_the_start_instead_of_being_dropped(string configured)
    {
        var act = () => BindFromConfiguration(new() { ["MaxAge"] = configured });

        act.Should().Throw<ArgumentException>().Which.Message.Should()
            .Contain("'MaxAge' option (configuration key 'Authentication:Schemes:Cidaas:MaxAge') is not valid: it must be a number of seconds or a time span.");
    }

    private static CidaasOptions BindFromConfiguration(Dictionary<string, string?> values)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Authentication:Schemes:Cidaas:Authority"] = "https://tenant.cidaas.eu",
            ["Authentication:Schemes:Cidaas:ClientId"] = "configured-id",
            ["Authentication:Schemes:Cidaas:ClientSecret"] = "configured-secret",
        }.Concat(values.Select(v => KeyValuePair.Create("Authentication:Schemes:Cidaas:" + v.Key, v.Value))));
        builder.Services.AddAuthentication().AddCookie().AddCidaas();
        using var app = builder.Build();
        return app.Services.GetRequiredService<IOptionsMonitor<CidaasOptions>>().Get(CidaasDefaults.AuthenticationScheme);
    }

    private static void Set(CidaasChallengeProperties properties, string property, string value)
    {
        try
        {
            typeof(CidaasChallengeProperties).GetProperty(property)!.SetValue(properties, value);
        }
        catch (System.Reflection.TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException);
        }
    }
}
