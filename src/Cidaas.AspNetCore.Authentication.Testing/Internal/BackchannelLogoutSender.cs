using System.Collections.Concurrent;

namespace Cidaas.AspNetCore.Authentication.Testing.Internal;

/// <summary>
/// Which clients took part in which cidaas session (<c>sid</c>: a client that received an id_token of it), and the
/// back-channel logouts: a signed logout token POSTed to each such client's <c>backchannel_logout_uri</c> when the
/// session ends, each delivery recorded.
/// </summary>
internal sealed class BackchannelLogoutSender
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Participants> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<CidaasEmulatorLogoutDelivery> _deliveries = new();
    private readonly CidaasEmulator _emulator;

    public BackchannelLogoutSender(CidaasEmulator emulator) => _emulator = emulator;

    public IReadOnlyList<CidaasEmulatorLogoutDelivery> Deliveries => _deliveries.ToArray();

    /// <summary>Records that the grant's client received an id_token of the grant's session.</summary>
    public void Record(AuthorizationGrant grant)
        => _sessions.GetOrAdd(grant.SessionId, _ => new Participants(grant.User)).Clients[grant.Client.ClientId] = grant.Client;

    /// <summary>The sessions of a user.</summary>
    public IReadOnlyList<string> SessionsOf(CidaasEmulatorUser user)
        => _sessions.Where(pair => ReferenceEquals(pair.Value.User, user) || pair.Value.User.Sub == user.Sub).Select(pair => pair.Key).ToArray();

    /// <summary>Ends a session: a logout token to every client of it that registered a back-channel logout URI.</summary>
    public async Task<IReadOnlyList<CidaasEmulatorLogoutDelivery>> EndAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (!_sessions.TryRemove(sessionId, out var participants))
        {
            return [];
        }

        var deliveries = new List<CidaasEmulatorLogoutDelivery>();
        foreach (var client in participants.Clients.Values)
        {
            if (string.IsNullOrEmpty(client.BackchannelLogoutUri))
            {
                continue;
            }

            var token = _emulator.TokenIssuer.CreateLogoutToken(client, participants.User, sessionId, CidaasLogoutTokenDefect.None);
            var delivery = await DeliverAsync(client, client.BackchannelLogoutUri, token, participants.User.Sub, sessionId, cancellationToken);
            _deliveries.Enqueue(delivery);
            deliveries.Add(delivery);
        }

        return deliveries;
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "Every failure of a delivery is recorded, as cidaas would note an unreachable app.")]
    private async Task<CidaasEmulatorLogoutDelivery> DeliverAsync(
        CidaasEmulatorClient client, string uri, string token, string subject, string sessionId, CancellationToken cancellationToken)
    {
        var handler = _emulator.Options.BackchannelLogoutHandler;
        using var http = handler is null
            ? new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }, disposeHandler: true)
            : new HttpClient(handler, disposeHandler: false);
        http.Timeout = DeliveryTimeout;
        try
        {
            using var content = new FormUrlEncodedContent([new("logout_token", token)]);
            using var response = await http.PostAsync(uri, content, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return new CidaasEmulatorLogoutDelivery
            {
                ClientId = client.ClientId,
                Uri = uri,
                SessionId = sessionId,
                Subject = subject,
                StatusCode = (int)response.StatusCode,
                Response = body,
            };
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return new CidaasEmulatorLogoutDelivery
            {
                ClientId = client.ClientId,
                Uri = uri,
                SessionId = sessionId,
                Subject = subject,
                StatusCode = null,
                Response = ex.GetType().Name + ": " + ex.Message,
            };
        }
    }

    private sealed class Participants(CidaasEmulatorUser user)
    {
        public CidaasEmulatorUser User { get; } = user;

        public ConcurrentDictionary<string, CidaasEmulatorClient> Clients { get; } = new(StringComparer.Ordinal);
    }
}
