using System.Buffers;
using System.Buffers.Text;

namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>
/// Writes OAuth parameters, percent-encoded: as the query of an endpoint URL that may already carry one
/// (<see cref="ForUrl"/>: authorization and end-session redirects), or as an <c>application/x-www-form-urlencoded</c>
/// body (<see cref="ForForm"/>: back-channel requests). Values are escaped straight into one pooled buffer, so that
/// writing the URL allocates only the final string, and the body only its bytes.
/// </summary>
internal sealed class CidaasParameterWriter : IDisposable
{
    private const string FormMediaType = "application/x-www-form-urlencoded";

    private readonly bool _form;
    private char[] _buffer;
    private int _length;
    private bool _hasQuery;

    private CidaasParameterWriter(string endpoint)
    {
        _buffer = ArrayPool<char>.Shared.Rent(endpoint.Length + 1024);
        endpoint.CopyTo(_buffer);
        _length = endpoint.Length;
        var queryStart = endpoint.IndexOf('?', StringComparison.Ordinal);
        _hasQuery = queryStart >= 0;
        if (_hasQuery && queryStart == endpoint.Length - 1)
        {
            // "https://x/authz?" already ends in the separator.
            _length--;
            _hasQuery = false;
        }
    }

    private CidaasParameterWriter()
    {
        _buffer = ArrayPool<char>.Shared.Rent(1024);
        _form = true;
    }

    /// <summary>The endpoint URL with the parameters appended to its query (<see cref="ToString"/>).</summary>
    public static CidaasParameterWriter ForUrl(string endpoint) => new(endpoint);

    /// <summary>A form body: <c>name=value</c> pairs joined by <c>&amp;</c>, every character but RFC 3986's unreserved ones percent-encoded (<see cref="ToFormContent"/>).</summary>
    public static CidaasParameterWriter ForForm() => new();

    public void Add(string name, string value)
    {
        StartParameter(name);
        AppendEscaped(value);
    }

    /// <summary>Adds the values as one parameter, separated by (escaped) spaces, as OAuth's <c>scope</c>.</summary>
    public void AddList(string name, IEnumerable<string> values)
    {
        StartParameter(name);
        var first = true;
        foreach (var value in values)
        {
            if (!first)
            {
                Append("%20");
            }

            AppendEscaped(value);
            first = false;
        }
    }

    /// <summary>Adds bytes as base64url, which needs no escaping.</summary>
    public void AddBase64Url(string name, ReadOnlySpan<byte> value)
    {
        StartParameter(name);
        var length = Base64Url.GetEncodedLength(value.Length);
        EnsureCapacity(length);
        _length += Base64Url.EncodeToChars(value, _buffer.AsSpan(_length));
    }

    public override string ToString() => new(_buffer, 0, _length);

    /// <summary>
    /// The form body as content. Escaped text is ASCII only; a space is <c>%20</c>, which every form decoder reads
    /// as <c>+</c> is read.
    /// </summary>
    public ByteArrayContent ToFormContent()
    {
        var bytes = new byte[_length];
        System.Text.Encoding.ASCII.GetBytes(_buffer.AsSpan(0, _length), bytes);
        var content = new ByteArrayContent(bytes);
        content.Headers.TryAddWithoutValidation("Content-Type", FormMediaType);
        return content;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _length = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    private void StartParameter(string name)
    {
        if (_hasQuery)
        {
            Append("&");
        }
        else if (!_form)
        {
            Append("?");
        }

        _hasQuery = true;
        AppendEscaped(name);
        Append("=");
    }

    private void Append(string text)
    {
        EnsureCapacity(text.Length);
        text.CopyTo(_buffer.AsSpan(_length));
        _length += text.Length;
    }

    private void AppendEscaped(string value)
    {
        // Escaping grows a value at most ninefold (a three-byte UTF-8 character becomes "%XX%XX%XX").
        EnsureCapacity(value.Length);
        int written;
        while (!Uri.TryEscapeDataString(value, _buffer.AsSpan(_length), out written))
        {
            EnsureCapacity(Math.Max(value.Length * 9, _buffer.Length - _length + 1));
        }

        _length += written;
    }

    private void EnsureCapacity(int additional)
    {
        if (_buffer.Length - _length >= additional)
        {
            return;
        }

        var larger = ArrayPool<char>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + additional));
        _buffer.AsSpan(0, _length).CopyTo(larger);
        if (_buffer.Length > 0)
        {
            ArrayPool<char>.Shared.Return(_buffer);
        }

        _buffer = larger;
    }
}
