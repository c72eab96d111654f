using System.Buffers.Binary;
using System.Globalization;
using System.Net;

namespace Switchyard.Supervisor.Processes;

/// <summary>Parses the kernel's TCP socket tables (<c>/proc/net/tcp</c> and <c>/proc/net/tcp6</c>).</summary>
public static class ProcNetTcp
{
    /// <summary>Kernel code of the LISTEN state (<c>TCP_LISTEN</c>).</summary>
    public const string ListenState = "0A";

    /// <summary>The LISTEN sockets of one table's text; malformed lines are skipped. IPv4 and IPv6 tables are told
    /// apart by the width of the address.</summary>
    public static IReadOnlyList<ListeningSocket> ParseListening(string text)
    {
        var sockets = new List<ListeningSocket>();
        foreach (var line in text.Split('\n'))
        {
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 10 || !f[0].EndsWith(':') || f[3] != ListenState) continue;
            var colon = f[1].IndexOf(':', StringComparison.Ordinal);
            if (colon < 0
                || !int.TryParse(f[1].AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var port)
                || Address(f[1][..colon]) is not { } address
                || !int.TryParse(f[7], NumberStyles.None, CultureInfo.InvariantCulture, out var uid)
                || !long.TryParse(f[9], NumberStyles.None, CultureInfo.InvariantCulture, out var inode))
                continue;
            sockets.Add(new ListeningSocket(address, port, inode, uid));
        }
        return sockets;
    }

    /// <summary>Decodes a kernel address: 32-bit words in the host's byte order, printed as hex (8 digits for IPv4,
    /// 32 for IPv6). <c>0100007F</c> is 127.0.0.1 on a little-endian host.</summary>
    public static string? Address(string hex)
    {
        if (hex.Length is not (8 or 32)) return null;
        var bytes = new byte[hex.Length / 2];
        for (var word = 0; word < hex.Length / 8; word++)
        {
            if (!uint.TryParse(hex.AsSpan(word * 8, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value)) return null;
            var span = bytes.AsSpan(word * 4, 4);
            if (BitConverter.IsLittleEndian) BinaryPrimitives.WriteUInt32LittleEndian(span, value);
            else BinaryPrimitives.WriteUInt32BigEndian(span, value);
        }
        var ip = new IPAddress(bytes);
        return ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4().ToString() : ip.ToString();
    }
}
