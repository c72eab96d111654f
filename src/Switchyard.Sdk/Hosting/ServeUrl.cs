using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;

namespace Switchyard.Sdk.Hosting;

/// <summary>The URL the server must call this app at.</summary>
internal static class ServeUrl
{
    /// <summary>The configured <see cref="SwitchyardOptions.ServeOrigin"/> (plus the serve path), else the
    /// <c>url</c> of the sync request's body, else the URL the sync request came in on.</summary>
    public static string Resolve(SwitchyardOptions options, HttpRequest request, ReadOnlySpan<byte> syncBody)
    {
        if (options.ServeOrigin is { } origin)
            return origin.AbsoluteUri.TrimEnd('/') + options.ServePath;
        if (UrlFromBody(syncBody) is { } fromBody) return fromBody;
        return UriHelper.BuildAbsolute(request.Scheme, request.Host, request.PathBase, request.Path);
    }

    /// <summary>The serve URL when nothing asked: <see cref="SwitchyardOptions.ServeOrigin"/>, else the first address
    /// the host listens on, a wildcard host read as loopback. Null when neither is known.</summary>
    public static string? Own(SwitchyardOptions options, IEnumerable<string> listening)
    {
        if (options.ServeOrigin is { } origin) return origin.AbsoluteUri.TrimEnd('/') + options.ServePath;
        var address = listening.FirstOrDefault();
        if (address is null) return null;
        address = address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)
            .Replace("://+", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal);
        return address.TrimEnd('/') + options.ServePath;
    }

    private static string? UrlFromBody(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty) return null;
        try
        {
            return JsonNode.Parse(body) is JsonObject o && o["url"] is JsonValue v && v.TryGetValue(out string? url)
                && Uri.TryCreate(url, UriKind.Absolute, out _) ? url : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
