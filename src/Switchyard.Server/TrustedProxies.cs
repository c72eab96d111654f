using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Switchyard.Configuration;

namespace Switchyard.Server;

/// <summary>The forwarded-headers settings for <see cref="ServerOptions.TrustedProxies"/>: only the listed proxies'
/// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed (ASP.NET Core's defaults, which trust loopback,
/// are cleared).</summary>
public static class TrustedProxies
{
    /// <summary>The options, or null when no proxy is trusted.</summary>
    /// <exception cref="InvalidDataException">An entry is neither an address nor a CIDR network (names the entry).</exception>
    public static ForwardedHeadersOptions? Forwarding(ServerOptions options)
    {
        var entries = options.TrustedProxies.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (entries.Length == 0) return null;
        var forwarding = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto, ForwardLimit = 1 };
        forwarding.KnownIPNetworks.Clear();
        forwarding.KnownProxies.Clear();
        foreach (var entry in entries)
        {
            if (entry.Contains('/', StringComparison.Ordinal) && System.Net.IPNetwork.TryParse(entry, out var network)) forwarding.KnownIPNetworks.Add(network);
            else if (IPAddress.TryParse(entry, out var address)) forwarding.KnownProxies.Add(address);
            else throw new InvalidDataException($"trusted_proxies: '{entry}' is not an IP address or a CIDR network (e.g. 10.0.0.5 or 10.1.0.0/16)");
        }
        return forwarding;
    }
}
