using System.Text;

namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>Appends percent-encoded query parameters to an endpoint URL that may already carry a query.</summary>
internal struct CidaasQueryBuilder
{
    private readonly StringBuilder _builder;
    private bool _hasQuery;

    public CidaasQueryBuilder(string endpoint)
    {
        _builder = new StringBuilder(endpoint, endpoint.Length + 768);
        var queryStart = endpoint.IndexOf('?', StringComparison.Ordinal);
        _hasQuery = queryStart >= 0;
        if (_hasQuery && queryStart == endpoint.Length - 1)
        {
            // "https://x/authz?" already ends in the separator.
            _builder.Length--;
            _hasQuery = false;
        }
    }

    public void Add(string name, string value)
    {
        _builder.Append(_hasQuery ? '&' : '?');
        _hasQuery = true;
        _builder.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
    }

    public override readonly string ToString() => _builder.ToString();
}
