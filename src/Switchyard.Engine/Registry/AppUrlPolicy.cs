using Switchyard.Configuration;

namespace Switchyard.Engine.Registry;

/// <summary>Which app URLs the server may sync or call: http(s) only, and inside <see cref="ServerOptions.AppUrlsAllowed"/>
/// when it is set. The server sends signed requests to these URLs and reads their answers, so an unrestricted URL lets
/// an API-token holder probe the server's network (issue 21, finding 4).</summary>
public sealed class AppUrlPolicy(ServerOptions options)
{
    /// <summary>Null when <paramref name="url"/> may be used, else why not (naming <c>app_urls_allowed</c> when the
    /// allow-list refuses it).</summary>
    public string? Problem(string? url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return $"'{url}' is not an absolute http:// or https:// URL";
        var allowed = options.AppUrlsAllowedList;
        if (allowed.Count == 0 || allowed.Any(p => Matches(p, uri))) return null;
        return $"'{url}' is not in app_urls_allowed ({string.Join(", ", allowed)})";
    }

    /// <summary>A URL prefix (<c>https://apps.internal/</c>) matches by prefix; <c>host</c>, <c>*.domain</c>,
    /// <c>host:port</c> and <c>host:*</c> match the URL's host and port (no port = any).</summary>
    internal static bool Matches(string pattern, Uri uri)
    {
        if (pattern.Contains("://", StringComparison.Ordinal))
            // Compare against the normalized form so that case in scheme and host, or a default port, does not decide.
            return Uri.TryCreate(pattern, UriKind.Absolute, out var prefix)
                && uri.AbsoluteUri.StartsWith(prefix.AbsoluteUri, StringComparison.OrdinalIgnoreCase)
                // "https://a.b" must not admit "https://a.b.evil.example": the prefix ends at a path boundary.
                && (prefix.AbsolutePath != "/" || string.Equals(uri.Authority, prefix.Authority, StringComparison.OrdinalIgnoreCase));
        var (host, port) = SplitHostPort(pattern);
        if (port is not null && port != "*" && port != uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)) return false;
        var actual = uri.IdnHost.Trim('[', ']');
        return host.StartsWith("*.", StringComparison.Ordinal)
            ? actual.EndsWith(host[1..], StringComparison.OrdinalIgnoreCase)
            : string.Equals(actual, host.Trim('[', ']'), StringComparison.OrdinalIgnoreCase);
    }

    private static (string Host, string? Port) SplitHostPort(string pattern)
    {
        if (pattern.StartsWith('['))
        {
            var end = pattern.IndexOf(']', StringComparison.Ordinal);
            if (end > 0) return (pattern[..(end + 1)], end + 2 <= pattern.Length && pattern[end + 1] == ':' ? pattern[(end + 2)..] : null);
        }
        var colon = pattern.LastIndexOf(':');
        // A bare IPv6 address has several colons and no port.
        return colon > 0 && pattern.IndexOf(':', StringComparison.Ordinal) == colon ? (pattern[..colon], pattern[(colon + 1)..]) : (pattern, null);
    }
}
