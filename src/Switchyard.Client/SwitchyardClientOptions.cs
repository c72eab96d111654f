namespace Switchyard.Client;

/// <summary>Where the server is and which credential each API takes.</summary>
public sealed record SwitchyardClientOptions
{
    /// <summary>Server base URL; a path (behind a proxy) is kept.</summary>
    public Uri ServerUrl { get; init; } = new("http://127.0.0.1:8288");

    /// <summary>Bearer token of the REST API under <c>/v1</c> (not needed in dev mode).</summary>
    public string? ApiToken { get; init; }

    /// <summary>Event key of <c>POST /e/{key}</c> (any value in dev mode).</summary>
    public string EventKey { get; init; } = "dev";

    /// <summary>Bearer token of <c>POST /observability/emit</c>; the API token when unset.</summary>
    public string? TelemetryToken { get; init; }

    /// <summary>Timeout of each call when the client creates its own <see cref="HttpClient"/>.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);
}
