namespace Cidaas.AspNetCore.Authentication.Bearer;

/// <summary>
/// The member names already read in one JSON object, to refuse a repeated one (RFC 7515 §5.2, RFC 7519 §4): names the
/// reader knows by index cost a bit each, other names a string in a set made only when the first one comes.
/// </summary>
internal struct CidaasJsonMemberNames
{
    private ulong _known;
    private HashSet<string>? _others;

    /// <summary>Records the known name at <paramref name="index"/> (below 64); <see langword="false"/> when it was read before.</summary>
    public bool AddKnown(int index)
    {
        var bit = 1UL << index;
        if ((_known & bit) != 0)
        {
            return false;
        }

        _known |= bit;
        return true;
    }

    /// <summary>Records another name (unescaped); <see langword="false"/> when it was read before.</summary>
    public bool AddOther(string name) => (_others ??= new HashSet<string>(StringComparer.Ordinal)).Add(name);
}
