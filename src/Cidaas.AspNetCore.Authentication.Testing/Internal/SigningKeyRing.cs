namespace Cidaas.AspNetCore.Authentication.Testing.Internal;

/// <summary>
/// The emulator's signing keys: the current one, the published ones, and every one it ever signed with
/// (tokens it issued stay verifiable at userinfo and introspection after a rotation).
/// </summary>
internal sealed class SigningKeyRing : IDisposable
{
    private readonly Lock _lock = new();
    private readonly List<SigningKey> _all = [];
    private SigningKey _current;
    private SigningKey[] _published;

    public SigningKeyRing()
    {
        _current = SigningKey.Generate();
        _all.Add(_current);
        _published = [_current];
    }

    public SigningKey Current
    {
        get
        {
            lock (_lock)
            {
                return _current;
            }
        }
    }

    public IReadOnlyList<SigningKey> Published
    {
        get
        {
            lock (_lock)
            {
                return _published;
            }
        }
    }

    public IReadOnlyList<SigningKey> All
    {
        get
        {
            lock (_lock)
            {
                return _all.ToArray();
            }
        }
    }

    public void Rotate(bool keepPreviousKeyPublished)
    {
        var next = SigningKey.Generate();
        lock (_lock)
        {
            _all.Add(next);
            _published = keepPreviousKeyPublished ? [.. _published, next] : [next];
            _current = next;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var key in _all)
            {
                key.Dispose();
            }

            _all.Clear();
        }
    }
}
