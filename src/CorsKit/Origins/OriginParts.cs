namespace CorsKit.Origins;

/// <summary>The kind of host in a serialized origin.</summary>
internal enum HostKind : byte
{
    Domain,
    IPv4,
    IPv6,
}

/// <summary>
/// Where the parts of a browser-canonical serialized origin (<c>scheme://host[:port]</c>) sit in
/// the string it was parsed from. Holds offsets, never copies, so parsing allocates nothing.
/// </summary>
internal readonly struct OriginParts(int schemeLength, int hostLength, int port, HostKind hostKind)
{
    /// <summary>Length of the scheme; the scheme is <c>origin[..SchemeLength]</c>.</summary>
    public int SchemeLength { get; } = schemeLength;

    /// <summary>Index of the host: the scheme is followed by <c>://</c>.</summary>
    public int HostStart => SchemeLength + 3;

    /// <summary>Length of the host, brackets included for IPv6.</summary>
    public int HostLength { get; } = hostLength;

    /// <summary>The explicit port, or -1 when the origin uses its scheme's default port.</summary>
    public int Port { get; } = port;

    public HostKind HostKind { get; } = hostKind;

    public ReadOnlySpan<char> Scheme(ReadOnlySpan<char> origin) => origin[..SchemeLength];

    public ReadOnlySpan<char> Host(ReadOnlySpan<char> origin) => origin.Slice(HostStart, HostLength);
}
