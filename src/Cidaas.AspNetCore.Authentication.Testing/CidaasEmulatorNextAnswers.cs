using System.Collections.Concurrent;
using System.Text.Json;
using Cidaas.AspNetCore.Authentication.Testing.Internal;

namespace Cidaas.AspNetCore.Authentication.Testing;

/// <summary>
/// The one way to arrange one-shot behaviour of a <see cref="CidaasEmulator"/> (<see cref="CidaasEmulator.Next"/>):
/// each call queues exactly one deviation for exactly one later answer of the kind it names, and that answer takes
/// it away. Calls of one kind queue up in order (two calls shape the next two answers of that kind); calls of
/// different kinds are independent. Everything here is thread-safe: concurrent requests never share an arrangement.
/// Standing behaviour (every answer, until changed) is set on <see cref="CidaasEmulatorOptions"/> instead.
/// </summary>
public sealed class CidaasEmulatorNextAnswers
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<CidaasEmulatorFault>> _faults = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<string?> _authorizationResponseIssuers = new();
    private readonly ConcurrentQueue<CidaasTokenResponseDefect> _tokenResponses = new();
    private readonly ConcurrentQueue<IdTokenArrangement> _idTokens = new();
    private readonly ConcurrentQueue<string> _userInfoSubjects = new();

    internal CidaasEmulatorNextAnswers()
    {
    }

    /// <summary>
    /// Answers the next request to <paramref name="path"/> with <paramref name="fault"/> (a status, a body, a delay,
    /// a dropped connection, …) instead of, or before, the emulator's own answer. Every path counts, also one the
    /// emulator does not serve.
    /// </summary>
    /// <param name="path">The request path relative to the authority, e.g. <c>/token-srv/token</c> (case-insensitive).</param>
    /// <param name="fault">The fault.</param>
    public void Fault(string path, CidaasEmulatorFault fault)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(fault);
        _faults.GetOrAdd(NormalizePath(path), _ => new ConcurrentQueue<CidaasEmulatorFault>()).Enqueue(fault);
    }

    /// <summary>
    /// Gives the next authorization response (a code or an error) this <c>iss</c> (RFC 9207) instead of the authority;
    /// <see langword="null"/> leaves <c>iss</c> out.
    /// </summary>
    /// <param name="iss">The issuer to send, or <see langword="null"/>.</param>
    public void AuthorizationResponseIssuer(string? iss) => _authorizationResponseIssuers.Enqueue(iss);

    /// <summary>Makes the next successful token endpoint response (any grant) defective in the given way.</summary>
    /// <param name="defect">The defect.</param>
    public void TokenResponse(CidaasTokenResponseDefect defect) => _tokenResponses.Enqueue(defect);

    /// <summary>
    /// Makes the next id_token the token endpoint issues defective in the given way. A token response without an
    /// id_token (no <c>openid</c> scope) leaves the arrangement for the next one that has one.
    /// </summary>
    /// <param name="defect">The defect.</param>
    public void IdToken(CidaasIdTokenDefect defect) => _idTokens.Enqueue(new IdTokenArrangement(defect, []));

    /// <summary>
    /// Gives the next id_token the token endpoint issues the payload member <paramref name="name"/> with the raw JSON
    /// value <paramref name="json"/>, e.g. <c>253402300800</c>, <c>"1700000000"</c> (a string) or <c>[1]</c>; a
    /// <see langword="null"/> value leaves the member out. The token is otherwise correct and correctly signed, so the
    /// relying party's check of that member alone decides. It is one id_token arrangement, as <see cref="IdToken"/> is.
    /// </summary>
    /// <param name="name">The payload member, e.g. <c>iat</c>.</param>
    /// <param name="json">Its value as JSON text, or <see langword="null"/> to leave it out.</param>
    public void IdTokenMember(string name, string? json)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _idTokens.Enqueue(new IdTokenArrangement(CidaasIdTokenDefect.None, [new(name, ParseMember(json, nameof(json)))]));
    }

    /// <summary>
    /// Gives the next id_token the token endpoint issues several payload members at once, each as
    /// <see cref="IdTokenMember"/> does (raw JSON; <see langword="null"/> leaves the member out): e.g. an <c>aud</c> array
    /// together with an <c>azp</c>, which cidaas's id_tokens do not carry. It is one id_token arrangement.
    /// </summary>
    /// <param name="members">The payload members and their values as JSON text, or <see langword="null"/> to leave one out.</param>
    public void IdTokenMembers(params KeyValuePair<string, string?>[] members)
    {
        ArgumentNullException.ThrowIfNull(members);
        var arranged = new List<KeyValuePair<string, JsonElement?>>(members.Length);
        foreach (var (name, json) in members)
        {
            ArgumentException.ThrowIfNullOrEmpty(name, nameof(members));
            arranged.Add(new(name, ParseMember(json, nameof(members))));
        }

        _idTokens.Enqueue(new IdTokenArrangement(CidaasIdTokenDefect.None, [.. arranged]));
    }

    /// <summary>Makes the next successful userinfo answer carry this <c>sub</c> instead of the user's.</summary>
    /// <param name="sub">The subject to answer with.</param>
    public void UserInfoSubject(string sub)
    {
        ArgumentNullException.ThrowIfNull(sub);
        _userInfoSubjects.Enqueue(sub);
    }

    /// <summary>Forgets every arrangement not yet taken.</summary>
    public void Clear()
    {
        _faults.Clear();
        _authorizationResponseIssuers.Clear();
        _tokenResponses.Clear();
        _idTokens.Clear();
        _userInfoSubjects.Clear();
    }

    internal bool TryTakeFault(string path, out CidaasEmulatorFault? fault)
    {
        fault = null;
        return _faults.TryGetValue(NormalizePath(path), out var queue) && queue.TryDequeue(out fault);
    }

    internal bool TryTakeAuthorizationResponseIssuer(out string? iss) => _authorizationResponseIssuers.TryDequeue(out iss);

    internal CidaasTokenResponseDefect TakeTokenResponse() =>
        _tokenResponses.TryDequeue(out var defect) ? defect : CidaasTokenResponseDefect.None;

    internal IdTokenArrangement TakeIdToken() => _idTokens.TryDequeue(out var arrangement) ? arrangement : IdTokenArrangement.None;

    internal string? TakeUserInfoSubject() => _userInfoSubjects.TryDequeue(out var sub) ? sub : null;

    private static JsonElement? ParseMember(string? json, string parameterName)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new ArgumentException("The value must be JSON text, e.g. 42, \"text\" or [1, 2].", parameterName, ex);
        }
    }

    private static string NormalizePath(string path) => path.StartsWith('/') ? path : "/" + path;
}
