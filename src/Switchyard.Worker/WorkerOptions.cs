namespace Switchyard.Worker;

/// <summary>Settings of a built-in worker.</summary>
public sealed record WorkerOptions
{
    /// <summary>Base app id: the worker registers as <c>&lt;AppId&gt;-&lt;Role&gt;</c>, its functions as
    /// <c>&lt;AppId&gt;-&lt;function&gt;</c>. Default <c>switchyard</c>.</summary>
    public string AppId { get; init; } = "switchyard";

    /// <summary><see cref="WorkerRoles.Host"/> or <see cref="WorkerRoles.Cluster"/>. Required.</summary>
    public string Role { get; init; } = "";

    /// <summary>Interface to listen on. Default <c>127.0.0.1</c>.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Port to listen on; 0 = any free port. Default 3111.</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>The port <c>yard worker</c> listens on by default.</summary>
    public const int DefaultPort = 3111;

    /// <summary>The bus server (registration, events, REST API, telemetry). Default <c>http://127.0.0.1:8288</c>.</summary>
    public Uri ServerUrl { get; init; } = new("http://127.0.0.1:8288");

    /// <summary>Origin the server should call the worker at, when it differs from the listening address
    /// (containers, another machine). Default: the listening address, <c>127.0.0.1</c> for a wildcard host.</summary>
    public Uri? PublicUrl { get; init; }

    /// <summary>Schedule of the heartbeat (5 fields, or 6 with seconds first). Default every minute.</summary>
    public string HeartbeatCron { get; init; } = "* * * * *";

    /// <summary>Schedule of the function-health check. Default every 5 minutes.</summary>
    public string HealthCron { get; init; } = "*/5 * * * *";

    /// <summary>Function ids (of any app) the function-health check expects besides the worker's own.</summary>
    public IReadOnlyList<string> ExpectedFunctions { get; init; } = [];

    /// <summary>Bearer token for the server's <c>/v1</c> API (required outside dev mode).</summary>
    public string? ApiToken { get; init; }

    /// <summary>Bearer token for <c>/observability/emit</c>; the API token when unset.</summary>
    public string? TelemetryToken { get; init; }

    /// <summary>Event key for <c>POST /e/{key}</c>; the SDK's default (<c>SWITCHYARD_EVENT_KEY</c>) when unset.</summary>
    public string? EventKey { get; init; }

    /// <summary>Signing key shared with the server; the SDK's default (<c>SWITCHYARD_SIGNING_KEY</c>) when unset.</summary>
    public string? SigningKey { get; init; }

    /// <summary>Whether the worker asks the server to sync it once it listens (retrying with backoff until the
    /// server answers). Off when the caller syncs it, as <c>yard dev --roles</c> does.</summary>
    public bool SyncAtStart { get; init; } = true;

    /// <summary>Whether the worker serves <c>&lt;AppId&gt;-shell-&lt;Role&gt;</c>, which runs DAG shell nodes: any
    /// command a caller with the API token submits, as the worker's user, on this machine. Default false; on with
    /// <c>yard worker --allow-shell</c> and in <c>yard dev --roles</c>.</summary>
    public bool AllowShell { get; init; }

    /// <summary>The app id the worker registers under.</summary>
    public string RegisteredAppId => $"{AppId}-{Role}";
}
