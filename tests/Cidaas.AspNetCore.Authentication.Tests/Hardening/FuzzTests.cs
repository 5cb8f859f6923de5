using System.Diagnostics;
using System.Text;
using CsCheck;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace Cidaas.AspNetCore.Authentication.Tests.Hardening;

/// <summary>
/// Property-based: random and mutated authorization responses (state, code, error, iss, extra parameters, cookies,
/// headers, methods, paths) sent straight into the app, one at a time so that every back-channel call can be pinned
/// on the request that caused it.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output) : SignInTestBase(output)
{
    private const int Requests = 10_000;
    private const int PoolSize = 48;
    private const string Callback = CidaasDefaults.CallbackPath;

    private static readonly Gen<string> Junk = Gen.String[Gen.Char["aZ09-_.~%&=+#?/\\<>\"' ;,:@!$()*[]{}|^`éΩ\t\r\n\0"], 0, 40];

    private readonly List<PoolEntry> _pool = [];
    private string _signOutState = "";

    private enum StateKind { Valid, Mutated, Junk, Missing, Empty, SignOut, Huge, Twice, TwiceOtherCase }

    private enum CodeKind { Pool, Junk, Missing, Empty, Twice, Huge }

    private enum ErrorKind { None, AccessDenied, Junk }

    private enum IssKind { Correct, Missing, Empty, Junk, TrailingSlash, Twice }

    private enum CookieKind { Correlation, CorrelationOtherValue, CorrelationOfOtherEntry, ForgedCorrelation, Junk, ForgedSignIn, ForgedChunkedSignIn }

    private enum HeaderKind { Host, ForwardedHost, ForwardedProto, Referer, Origin, ContentTypeForm, Huge }

    [Fact]
    public async Task Ten_thousand_random_callbacks_never_crash_never_sign_in_and_never_call_the_back_channel_without_state_and_correlation()
    {
        EmulatorOptions.AuthorizationCodeLifetime = TimeSpan.FromHours(1);
        // The callbacks are judged as by a client whose IdP announces RFC 9207's iss (real cidaas does not: the
        // emulator is told to), so that a missing iss is one more defect to refuse.
        SendAuthorizationResponseIssuer(EmulatorOptions);
        await StartAppAsync(configureBuilder: b => b.Logging
            .AddFilter((category, level) => level >= LogLevel.Warning || (category?.StartsWith("Cidaas", StringComparison.Ordinal) == true && level >= LogLevel.Information)));
        await FillPoolAsync();

        var stats = new Stats();
        var stopwatch = Stopwatch.StartNew();
        await CreateGenerator().SampleAsync(c => SendAndCheckAsync(c, stats), iter: Requests, threads: 1, print: c => c.Describe(), writeLine: Output.WriteLine);
        stopwatch.Stop();

        Output.WriteLine($"{stats.Sent} requests in {stopwatch.Elapsed.TotalSeconds:F1} s: {stats.BackchannelCalls} back-channel calls from {stats.ReachedBackchannel} requests, {stats.SignIns} legitimate sign-ins, status codes {string.Join(", ", stats.Statuses.OrderBy(p => p.Key).Select(p => $"{p.Key}×{p.Value}"))}.");
        stats.Sent.Should().BeGreaterThanOrEqualTo(Requests);
        stats.ReachedBackchannel.Should().BeGreaterThan(100, "the generator must reach the code exchange often enough to test the oracle");
        stats.SignIns.Should().BeGreaterThan(0, "some generated callbacks are genuine and must still sign in");
        App.Logs.Lines.Should().NotContain(l => l.StartsWith("Error ", StringComparison.Ordinal) || l.StartsWith("Critical ", StringComparison.Ordinal), "no unhandled exception was logged");
    }

    private async Task SendAndCheckAsync(FuzzCase fuzzCase, Stats stats)
    {
        var request = Build(fuzzCase);
        var backchannelBefore = Emulator.Requests.Count;

        var response = await RawRequest.SendAsync(App.Server, request.Method, request.Path, request.Query, request.Headers, request.Body);

        var backchannelCalls = Emulator.Requests.Count - backchannelBefore;
        stats.Record(response.StatusCode, backchannelCalls);
        if (response.StatusCode >= 500)
        {
            throw new InvalidOperationException($"HTTP {response.StatusCode}: {response.Body}");
        }

        var query = QueryHelpers.ParseQuery(request.Query ?? "");
        var state = Decode(Single(query, "state"));
        var entry = state is null ? null : _pool.FirstOrDefault(p => p.StateBytes.AsSpan().SequenceEqual(state));
        var hasCorrelation = entry is not null && request.Cookies.Contains((entry.CorrelationCookie, "N"));
        var reachesCallback = string.Equals(request.Method, "GET", StringComparison.OrdinalIgnoreCase) && string.Equals(request.Path, Callback, StringComparison.OrdinalIgnoreCase);
        if (backchannelCalls > 0 && !(reachesCallback && hasCorrelation))
        {
            throw new InvalidOperationException($"{backchannelCalls} back-channel call(s) without a valid state and its correlation cookie.");
        }

        if (response.SetsSignInCookie)
        {
            var genuine = reachesCallback && hasCorrelation
                && Single(query, "code") == entry!.Code
                && Single(query, "iss") == Emulator.Authority
                && string.IsNullOrEmpty(query.GetValueOrDefault("error")); // an empty error is none, as in Microsoft's OAuth handlers
            if (!genuine)
            {
                throw new InvalidOperationException("A sign-in cookie was issued for a callback that is not a genuine authorization response.");
            }

            stats.SignIns++;
        }

        foreach (var location in response.Headers.Location.OfType<string>())
        {
            var local = location.StartsWith('/') && !location.StartsWith("//", StringComparison.Ordinal) && !location.StartsWith("/\\", StringComparison.Ordinal);
            if (!local && !location.StartsWith(Emulator.Authority + "/", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"Redirect to a foreign location: {location}");
            }
        }

        if (response.StatusCode >= 400)
        {
            // The genuine codes are the secrets here; a junk code is just text the attacker chose.
            if (_pool.Select(p => p.Code).Append(TestClients.ClientSecret).Any(s => response.Body.Contains(s, StringComparison.Ordinal)))
            {
                throw new InvalidOperationException("The error page shows a secret or a code.");
            }
        }
    }

    // Base64url accepts padding ('=', '%') and white space after the data: several spellings, one protected payload.
    private static byte[]? Decode(string? state)
    {
        try
        {
            return state is null ? null : WebEncoders.Base64UrlDecode(state);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string? Single(Dictionary<string, Microsoft.Extensions.Primitives.StringValues> query, string name)
        => query.TryGetValue(name, out var values) && values.Count == 1 ? values[0] : null;

    /// <summary>Genuine authorization responses: each with its state, its code and its correlation cookie.</summary>
    private async Task FillPoolAsync()
    {
        for (var i = 0; i < PoolSize; i++)
        {
            var browser = new TestBrowser().Register(TestApp.Origin, App.CreateHandler()).Register(Emulator.Authority, Emulator.CreateHandler());
            var challenge = await browser.GetAsync(TestApp.Origin + "/login?returnUrl=/protected");
            var correlation = browser.Cookies.GetAllCookies().Single(c => c.Name.StartsWith(".AspNetCore.Correlation.", StringComparison.Ordinal));
            var callback = (await browser.GetAsync(challenge.Headers.Location!.ToString())).Headers.Location!;
            var state = CallbackUrl.Parameter(callback, "state");
            _pool.Add(new PoolEntry(state, WebEncoders.Base64UrlDecode(state), CallbackUrl.Parameter(callback, "code"), correlation.Name));
        }

        await SignInAsync();
        var signOut = await Browser.GetAsync(TestApp.Origin + "/signout");
        _signOutState = CallbackUrl.Parameter(signOut.Headers.Location!, "state");
        Emulator.ClearRequests();
    }

    private static Gen<FuzzCase> CreateGenerator()
    {
        var method = Gen.Frequency((40, Gen.Const("GET")), (1, Gen.OneOf("HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "PROPFIND", "get")));
        var path = Gen.Frequency(
            (40, Gen.Const(Callback)),
            (2, Gen.Const(Callback.ToUpperInvariant())),
            (2, Gen.Const(CidaasDefaults.SignedOutCallbackPath)),
            (1, Gen.OneOf(Callback + "/", Callback + "%2F", "/" + Callback, Callback + ";x", "/protected", "/signin-cidaas-b")));
        var index = Gen.Int[0, PoolSize - 1];
        var state = Gen.Frequency(
            (12, Gen.Const(StateKind.Valid)), (6, Gen.Const(StateKind.Mutated)), (2, Gen.Const(StateKind.Junk)), (1, Gen.Const(StateKind.Missing)),
            (1, Gen.Const(StateKind.Empty)), (1, Gen.Const(StateKind.SignOut)), (1, Gen.Const(StateKind.Huge)), (1, Gen.Const(StateKind.Twice)), (1, Gen.Const(StateKind.TwiceOtherCase)));
        var mutation = Gen.Select(Gen.Int[0, 6], Gen.Int[0, 100_000], Gen.Char["AZaz09-_%+/=. "]);
        var code = Gen.Frequency(
            (10, Gen.Const(CodeKind.Pool)), (3, Gen.Const(CodeKind.Junk)), (1, Gen.Const(CodeKind.Missing)), (1, Gen.Const(CodeKind.Empty)), (1, Gen.Const(CodeKind.Twice)), (1, Gen.Const(CodeKind.Huge)));
        var error = Gen.Frequency((12, Gen.Const(ErrorKind.None)), (1, Gen.Const(ErrorKind.AccessDenied)), (1, Gen.Const(ErrorKind.Junk)));
        var iss = Gen.Frequency(
            (12, Gen.Const(IssKind.Correct)), (1, Gen.Const(IssKind.Missing)), (1, Gen.Const(IssKind.Empty)), (1, Gen.Const(IssKind.Junk)), (1, Gen.Const(IssKind.TrailingSlash)), (1, Gen.Const(IssKind.Twice)));
        var extra = Gen.Select(Gen.OneOf("x", "state", "STATE", "code", "Code", "iss", "error", "error_description", "error_uri", "id_token", "access_token", "redirect_uri", "%73tate", "st%00ate"), Junk).List[0, 3];
        var rawSuffix = Gen.Frequency((10, Gen.Const("")), (1, Gen.OneOf("&%", "&%zz", "&=", "&&&", "&%E0%A4%A", "&x=%FF%FE", "&\u00e9=\u00e9", "&state")));
        var cookie = Gen.Select(
            Gen.Frequency(
                (10, Gen.Const(CookieKind.Correlation)), (1, Gen.Const(CookieKind.CorrelationOtherValue)), (2, Gen.Const(CookieKind.CorrelationOfOtherEntry)),
                (1, Gen.Const(CookieKind.ForgedCorrelation)), (2, Gen.Const(CookieKind.Junk)), (1, Gen.Const(CookieKind.ForgedSignIn)), (1, Gen.Const(CookieKind.ForgedChunkedSignIn))),
            Junk,
            index);
        var cookies = Gen.Frequency((8, cookie.List[1, 2]), (1, cookie.List[0, 6]));
        var header = Gen.Select(Gen.Enum<HeaderKind>(), Junk);
        var headers = Gen.Frequency((6, header.List[0, 0]), (2, header.List[1, 3]));
        var coherent = Gen.Frequency((6, Gen.Const(true)), (1, Gen.Const(false)));

        return Gen.Select(
            Gen.Select(method, path, index, index, index, coherent),
            Gen.Select(state, mutation, code, Junk, error, iss),
            Gen.Select(extra, rawSuffix, cookies, headers),
            (a, b, c) => new FuzzCase(
                a.Item1, a.Item2, a.Item3, a.Item6 ? a.Item3 : a.Item4, a.Item6 ? a.Item3 : a.Item5,
                b.Item1, b.Item2, b.Item3, b.Item4, b.Item5, b.Item6,
                c.Item1, c.Item2, c.Item3, c.Item4));
    }

    private BuiltRequest Build(FuzzCase c)
    {
        var entry = _pool[c.StateIndex];
        var query = new List<string>();
        void Add(string name, string value) => query.Add(Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(value));

        switch (c.State)
        {
            case StateKind.Valid: Add("state", entry.State); break;
            case StateKind.Mutated: Add("state", Mutate(entry.State, c.Mutation)); break;
            case StateKind.Junk: Add("state", c.JunkValue); break;
            case StateKind.Empty: Add("state", ""); break;
            case StateKind.SignOut: Add("state", _signOutState); break;
            case StateKind.Huge: Add("state", entry.State + new string('A', 64 * 1024)); break;
            case StateKind.Twice: Add("state", entry.State); Add("state", entry.State); break;
            case StateKind.TwiceOtherCase: Add("state", entry.State); Add("State", entry.State); break;
            case StateKind.Missing: break;
        }

        var code = _pool[c.CodeIndex].Code;
        switch (c.Code)
        {
            case CodeKind.Pool: Add("code", code); break;
            case CodeKind.Junk: Add("code", c.JunkValue); break;
            case CodeKind.Empty: Add("code", ""); break;
            case CodeKind.Twice: Add("code", code); Add("code", code); break;
            case CodeKind.Huge: Add("code", new string('c', 32 * 1024)); break;
            case CodeKind.Missing: break;
        }

        switch (c.Error)
        {
            case ErrorKind.AccessDenied: Add("error", "access_denied"); break;
            case ErrorKind.Junk: Add("error", c.JunkValue); Add("error_description", "<script>alert(1)</script>\r\n" + c.JunkValue); break;
            case ErrorKind.None: break;
        }

        switch (c.Iss)
        {
            case IssKind.Correct: Add("iss", Emulator.Authority); break;
            case IssKind.Empty: Add("iss", ""); break;
            case IssKind.Junk: Add("iss", c.JunkValue); break;
            case IssKind.TrailingSlash: Add("iss", Emulator.Authority + "/"); break;
            case IssKind.Twice: Add("iss", Emulator.Authority); Add("iss", Emulator.Authority); break;
            case IssKind.Missing: break;
        }

        foreach (var (name, value) in c.Extra)
        {
            query.Add(name + "=" + Uri.EscapeDataString(value));
        }

        var cookieList = new List<(string Name, string Value)>();
        foreach (var (kind, junk, other) in c.Cookies)
        {
            cookieList.Add(kind switch
            {
                CookieKind.Correlation => (_pool[c.CookieIndex].CorrelationCookie, "N"),
                CookieKind.CorrelationOtherValue => (_pool[c.CookieIndex].CorrelationCookie, Uri.EscapeDataString(junk)),
                CookieKind.CorrelationOfOtherEntry => (_pool[other].CorrelationCookie, "N"),
                CookieKind.ForgedCorrelation => (".AspNetCore.Correlation." + Uri.EscapeDataString(junk), "N"),
                CookieKind.Junk => (Uri.EscapeDataString(junk) is { Length: > 0 } name ? name : "j", Uri.EscapeDataString(junk)),
                CookieKind.ForgedSignIn => (".AspNetCore.Cookies", "CfDJ8" + Uri.EscapeDataString(junk)),
                _ => (".AspNetCore.Cookies", "chunks-" + (other * 40_000_000)),
            });
        }

        var headers = new List<KeyValuePair<string, string>>();
        if (cookieList.Count > 0)
        {
            headers.Add(new("Cookie", string.Join("; ", cookieList.Select(p => p.Name + "=" + p.Value))));
        }

        byte[]? body = null;
        foreach (var (kind, junk) in c.Headers)
        {
            var safe = Uri.EscapeDataString(junk);
            switch (kind)
            {
                case HeaderKind.Host: headers.Add(new("Host", ValidHost(junk))); break;
                case HeaderKind.ForwardedHost: headers.Add(new("X-Forwarded-Host", "evil.example")); break;
                case HeaderKind.ForwardedProto: headers.Add(new("X-Forwarded-Proto", "http")); break;
                case HeaderKind.Referer: headers.Add(new("Referer", "https://evil.example/" + safe)); break;
                case HeaderKind.Origin: headers.Add(new("Origin", "https://evil.example")); break;
                case HeaderKind.ContentTypeForm:
                    headers.Add(new("Content-Type", "application/x-www-form-urlencoded"));
                    body = Encoding.UTF8.GetBytes(string.Join('&', query));
                    break;
                case HeaderKind.Huge: headers.Add(new("X-Junk", new string('h', 32 * 1024))); break;
            }
        }

        var rawQuery = string.Join('&', query) + c.RawSuffix;
        return new BuiltRequest(c.Method, c.Path, rawQuery.Length == 0 ? null : rawQuery, cookieList, headers, body);
    }

    // Kestrel answers 400 itself to a Host header with other characters; only hosts it lets through reach the app.
    private static string ValidHost(string junk)
    {
        var host = new string(junk.Where(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '-').ToArray());
        return host.Length > 0 ? host + ":8443" : "evil.example";
    }

    private static string Mutate(string state, (int Kind, int Position, char Char) mutation)
    {
        var position = mutation.Position % state.Length;
        return mutation.Kind switch
        {
            0 => state[..position] + mutation.Char + state[(position + 1)..],
            1 => state[..position],
            2 => state + mutation.Char,
            3 => state[..position] + state[(position + 1)..],
            4 => state[..position] + "%" + state[position..],
            5 => state.ToUpperInvariant(),
            _ => state[position..] + state[..position],
        };
    }

    private sealed record PoolEntry(string State, byte[] StateBytes, string Code, string CorrelationCookie);

    private sealed record BuiltRequest(string Method, string Path, string? Query, List<(string Name, string Value)> Cookies, List<KeyValuePair<string, string>> Headers, byte[]? Body);

    private sealed record FuzzCase(
        string Method,
        string Path,
        int StateIndex,
        int CodeIndex,
        int CookieIndex,
        StateKind State,
        (int Kind, int Position, char Char) Mutation,
        CodeKind Code,
        string JunkValue,
        ErrorKind Error,
        IssKind Iss,
        List<(string Name, string Value)> Extra,
        string RawSuffix,
        List<(CookieKind Kind, string Junk, int Other)> Cookies,
        List<(HeaderKind Kind, string Junk)> Headers)
    {
        public string Describe()
            => $"{Method} {Path} state={State}#{StateIndex}/{Mutation} code={Code}#{CodeIndex} error={Error} iss={Iss} junk='{JunkValue}' extra=[{string.Join(", ", Extra)}] suffix='{RawSuffix}' cookies=[{string.Join(", ", Cookies.Select(k => k.Kind))}]#{CookieIndex} headers=[{string.Join(", ", Headers.Select(h => h.Kind))}]";
    }

    private sealed class Stats
    {
        public int Sent { get; private set; }

        public int BackchannelCalls { get; private set; }

        public int ReachedBackchannel { get; private set; }

        public int SignIns { get; set; }

        public Dictionary<int, int> Statuses { get; } = [];

        public void Record(int status, int backchannelCalls)
        {
            Sent++;
            BackchannelCalls += backchannelCalls;
            ReachedBackchannel += backchannelCalls > 0 ? 1 : 0;
            Statuses[status] = Statuses.GetValueOrDefault(status) + 1;
        }
    }
}
