using Microsoft.AspNetCore.Http;

namespace Switchyard.Server.Dashboard;

/// <summary>Server-side pages over the store's newest-first lists. The store's list queries take a count, not a
/// cursor, so page <c>n</c> reads <c>n × size + 1</c> rows and shows the last <c>size</c>: cheap for the first pages
/// people look at, bounded by <see cref="MaxPage"/> so no request reads more than <see cref="RestApi.MaxCount"/> rows.</summary>
internal static class DashboardPaging
{
    /// <summary>The deepest page reachable for <paramref name="size"/>.</summary>
    public static int MaxPage(int size) => Api.RestApi.MaxCount / size;

    /// <summary>How many rows to read for page <paramref name="page"/> (one more than shown, to know if more exist).</summary>
    public static int Fetch(int page, int size) => Math.Min(page * size + 1, Api.RestApi.MaxCount);

    /// <summary>Page <paramref name="page"/> of <paramref name="rows"/>, and whether a further page exists.</summary>
    public static (IReadOnlyList<T> Rows, bool HasMore) Slice<T>(IReadOnlyList<T> rows, int page, int size) =>
        (rows.Skip((page - 1) * size).Take(size).ToList(), rows.Count > page * size && page < MaxPage(size));

    /// <summary>A URL with the non-empty parameters.</summary>
    public static string Query(string path, params (string Name, string? Value)[] parameters)
    {
        var parts = parameters.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return parts.Count == 0 ? path : path + "?" + string.Join('&', parts);
    }

    /// <summary>Marks the answer 400 (a filter the page could not use); the page still renders, with the message.</summary>
    public static void BadRequest(HttpContext? http)
    {
        if (http is { Response.HasStarted: false }) http.Response.StatusCode = StatusCodes.Status400BadRequest;
    }
}
