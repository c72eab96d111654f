using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;

namespace Switchyard.Server.Dashboard;

/// <summary>Serves the stylesheet and script embedded in the assembly (<c>Dashboard/Assets</c>), so the binary needs
/// no files beside it and nothing is fetched from elsewhere.</summary>
internal static class DashboardAssets
{
    private static readonly FrozenDictionary<string, (byte[] Bytes, string Type)> Assets = Load();

    /// <summary><c>GET /ui/assets/{name}</c>.</summary>
    public static IResult Serve(string name, HttpContext http)
    {
        if (!Assets.TryGetValue(name, out var asset)) return Results.NotFound();
        // Short-lived: an upgraded server's assets are picked up within minutes without versioned names.
        http.Response.Headers.CacheControl = "public, max-age=300";
        return Results.Bytes(asset.Bytes, asset.Type);
    }

    private static FrozenDictionary<string, (byte[] Bytes, string Type)> Load()
    {
        const string prefix = "Switchyard.Dashboard.";
        var assembly = typeof(DashboardAssets).Assembly;
        var assets = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var name = resource[prefix.Length..];
            var type = Path.GetExtension(name) switch
            {
                ".css" => "text/css; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".svg" => "image/svg+xml",
                _ => "application/octet-stream",
            };
            assets[name] = (copy.ToArray(), type);
        }
        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
