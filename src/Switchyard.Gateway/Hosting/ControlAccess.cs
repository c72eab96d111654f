using System.Net;
using Microsoft.AspNetCore.Http;
using Switchyard.Gateway.Configuration;
using Switchyard.Protocol.Signing;

namespace Switchyard.Gateway.Hosting;

/// <summary>Who may use the stream and the control routes. With <c>control_token</c>: callers presenting it as
/// <c>Authorization: Bearer</c> (compared in constant time). Without it the gateway serves this host only (see
/// <see cref="CheckStartup"/>), and a request from a web page is refused: a foreign <c>Origin</c> is a cross-site
/// page (WebSockets are not covered by CORS, so a page could otherwise read the bus), a foreign host name in
/// <c>Host</c> is DNS rebinding.</summary>
internal sealed class ControlAccess(GatewayConfig config)
{
    /// <summary>Refuses a configuration that would open the gateway to other hosts: outside dev mode, a gateway that
    /// listens beyond loopback needs a control token (stream, control routes) and a signing key (its SDK endpoint,
    /// through which the delivery function posts to every channel).</summary>
    public static void CheckStartup(GatewayConfig config)
    {
        if (config.Dev || IsLoopback(config.Host)) return;
        if (config.ControlToken is null)
            throw new InvalidDataException(
                $"gateway.host = \"{config.Host}\" is reachable from other hosts, but gateway.control_token is unset: anyone who reaches the gateway could read every bus event on /stream and sleep or mute it. " +
                "Set gateway.control_token (or SWITCHYARD_GATEWAY_TOKEN), or keep gateway.host = \"127.0.0.1\"");
        if (config.SigningKey is null)
            throw new InvalidDataException(
                $"gateway.host = \"{config.Host}\" is reachable from other hosts, but gateway.signing_key is unset: anyone who reaches /api/switchyard could call the delivery function and post to every channel. " +
                "Set gateway.signing_key (or SWITCHYARD_SIGNING_KEY) to the server's, or keep gateway.host = \"127.0.0.1\"");
    }

    /// <summary>Whether <paramref name="host"/> (a <c>gateway.host</c> value) listens on loopback only.</summary>
    public static bool IsLoopback(string host) =>
        host is "localhost" || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>Null when <paramref name="http"/> may go on, else the refusal to answer with.</summary>
    public IResult? Refusal(HttpContext http)
    {
        if (config.ControlToken is { } token)
        {
            var header = http.Request.Headers.Authorization.ToString();
            var presented = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : "";
            return SecretEquality.Matches(presented, token)
                ? null
                : Error(401, "unauthorized", "missing or wrong control token: send Authorization: Bearer <gateway.control_token>");
        }
        if (http.Request.Headers.Origin.ToString() is { Length: > 0 } origin && !LocalName(Uri.TryCreate(origin, UriKind.Absolute, out var o) ? o.Host : ""))
            return Error(403, "cross_origin", $"Origin '{origin}' is not this host: without gateway.control_token the stream and control routes refuse web pages (set control_token to serve them)");
        if (!LocalName(http.Request.Host.Host))
            return Error(403, "host_not_allowed", $"Host '{http.Request.Host}' is not a loopback name or an IP address: without gateway.control_token the gateway refuses other names (DNS rebinding); set control_token or use 127.0.0.1");
        return null;
    }

    /// <summary>A loopback name, an IP address literal (DNS rebinding needs a name), or the host of <c>public_url</c>.</summary>
    private bool LocalName(string host) =>
        host.Length > 0 && (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || IPAddress.TryParse(host.Trim('[', ']'), out _)
            || string.Equals(host, config.PublicUrl?.Host, StringComparison.OrdinalIgnoreCase));

    private static IResult Error(int status, string code, string message) => Results.Json(new { error = new { code, message } }, statusCode: status);
}
