using System.Net;
using System.Net.Sockets;

namespace CorsKit.Cli;

/// <summary>
/// Loopback and private addresses, as browsers' Local Network Access draws the line: a page on a
/// public address asking for one of these needs the user's permission.
/// </summary>
internal static class LocalNetwork
{
    /// <summary>Whether <paramref name="host"/> (a name or an IP literal) is loopback, private or link-local.</summary>
    public static bool IsLocal(string host)
    {
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (!IPAddress.TryParse(host.Trim('[', ']'), out var address))
        {
            return false;
        }

        if (IPAddress.IsLoopback(address))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return address.IsIPv6LinkLocal || address.IsIPv6UniqueLocal || (address.IsIPv4MappedToIPv6 && IsLocal(address.MapToIPv4().ToString()));
        }

        var b = address.GetAddressBytes();
        return b[0] == 10 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254) || b[0] == 0;
    }
}
