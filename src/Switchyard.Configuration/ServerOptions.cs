namespace Switchyard.Configuration;

/// <summary>Every setting of the bus server. Bound, in increasing precedence, from built-in defaults,
/// <c>yard.toml</c>, <c>SWITCHYARD_*</c> environment variables and command-line flags.</summary>
public sealed class ServerOptions
{
    /// <summary>Largest accepted event name.</summary>
    public const int MaxEventNameLength = 256;

    /// <summary>Interface to listen on.</summary>
    public string Host { get; set; } = "127.0.0.1";
    /// <summary>Port to listen on (0 = any free port).</summary>
    public int Port { get; set; } = 8288;
    /// <summary>Directory of the embedded store.</summary>
    public string DataDir { get; set; } = ".yard";
    /// <summary><c>sqlite</c> (default, a file under <see cref="DataDir"/>), <c>sqlite:PATH</c>, or a PostgreSQL
    /// database (<c>postgres://user:pass@host:5432/db</c> or an Npgsql connection string) shared by several replicas.</summary>
    public string Store { get; set; } = "sqlite";
    /// <summary>Dev mode: any event key is accepted, nothing is signed, the REST API needs no token.</summary>
    public bool Dev { get; set; }
    /// <summary>Comma-separated event keys accepted by <c>POST /e/{key}</c> outside dev mode.</summary>
    public string EventKeys { get; set; } = "";
    /// <summary>Signing key shared with apps (<c>signkey-&lt;env&gt;-&lt;hex&gt;</c>).</summary>
    public string SigningKey { get; set; } = "";
    /// <summary>Previous signing key, accepted during rotation.</summary>
    public string SigningKeyFallback { get; set; } = "";
    /// <summary>Bearer token for the REST API outside dev mode.</summary>
    public string ApiToken { get; set; } = "";
    /// <summary>Largest accepted request body on the Event API, telemetry ingest and every <c>/v1</c> route, in bytes.</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;
    /// <summary>Most events accepted in one request.</summary>
    public int MaxEventsPerRequest { get; set; } = 5000;
    /// <summary>Window in which a repeated event id is not stored again.</summary>
    public TimeSpan DedupWindow { get; set; } = TimeSpan.FromHours(24);
    /// <summary>Optional allow-list of app URLs the server may sync or call, comma-separated: URL prefixes
    /// (<c>https://apps.internal/</c>) or <c>host[:port]</c> patterns (<c>*.svc.cluster.local</c>, <c>10.0.0.5:3000</c>,
    /// <c>app:*</c>). Empty = any http(s) URL. <c>POST /v1/apps/sync</c> and <c>/fn/register</c> refuse others.</summary>
    public string AppUrlsAllowed { get; set; } = "";
    /// <summary>Most open client connections (Kestrel's <c>MaxConcurrentConnections</c>); 0 = unlimited.</summary>
    public long MaxConnections { get; set; } = 10_000;
    /// <summary>Most upgraded (WebSocket) connections (Kestrel's <c>MaxConcurrentUpgradedConnections</c>); 0 = unlimited.</summary>
    public long MaxUpgradedConnections { get; set; } = 1_000;
    /// <summary>Slowest accepted request body, in bytes per second after a 5 s grace period (Kestrel's
    /// <c>MinRequestBodyDataRate</c>); slower uploads are cut off with 408. 0 = no minimum.</summary>
    public double MinBodyBytesPerSecond { get; set; } = 4096;
    /// <summary>Comma-separated app URLs synced at start (and periodically in dev mode).</summary>
    public string Apps { get; set; } = "";
    /// <summary>How often known apps are re-synced in dev mode (0 = never).</summary>
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>How often this server replica writes its heartbeat to the store; a replica silent for three beats is
    /// listed as dead by <c>yard status</c> and <c>yard topology</c>.</summary>
    public TimeSpan ReplicaHeartbeat { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>First retry delay; later ones double, with jitter, up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>Longest retry delay.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>Timeout of one call to an app.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>On shutdown (SIGTERM), how long calls to apps already in flight may still take: the server stops
    /// claiming queue items at once, commits the answers that arrive within this time, and cuts off the rest, which the
    /// next server or replica retries as new attempts. The host's shutdown timeout is this plus 5 s.</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(20);
    /// <summary>Most calls to apps in flight at once.</summary>
    public int MaxConcurrentCalls { get; set; } = 256;
    /// <summary>Bearer token <c>POST /observability/emit</c> requires outside dev mode (the API token is accepted too);
    /// when empty, ingest takes the API token alone.</summary>
    public string TelemetryToken { get; set; } = "";
    /// <summary>Opens <c>POST /observability/emit</c> to callers without a token outside dev mode. Off by default: open
    /// ingest lets anyone plant entries in traces; <c>yard status</c> warns while it is on.</summary>
    public bool TelemetryOpen { get; set; }
    /// <summary>Serves <c>GET /metrics</c> to callers without a token outside dev mode. Off by default: the counters name
    /// functions, apps and event rates, so a scraper sends the API token (Prometheus <c>authorization</c> /
    /// <c>bearer_token</c>).</summary>
    public bool MetricsOpen { get; set; }
    /// <summary>How long telemetry events are kept after receipt (0 = forever).</summary>
    public TimeSpan TelemetryRetention { get; set; } = TimeSpan.FromDays(30);
    /// <summary>Debug events per second from one component above which its debug events are sampled (0 = never).</summary>
    public int TelemetryFloodThreshold { get; set; } = 200;
    /// <summary>While a component floods, one in this many of its further debug events is kept.</summary>
    public int TelemetryFloodSampleOneIn { get; set; } = 10;
    /// <summary>Webhook ingress: body limit, provider secrets, providers declared in configuration (<c>[webhooks]</c>).</summary>
    public WebhookOptions Webhooks { get; set; } = new();
    /// <summary>The prioritized work queue: aging and the declared families (<c>[queue]</c>, <c>[queue.families.NAME]</c>).</summary>
    public QueueOptions Queue { get; set; } = new();
    /// <summary>Least severe entry the server logs (<c>trace</c>, <c>debug</c>, <c>information</c>, <c>warning</c>,
    /// <c>error</c>, <c>critical</c>, <c>none</c>).</summary>
    public Microsoft.Extensions.Logging.LogLevel LogLevel { get; set; } = Microsoft.Extensions.Logging.LogLevel.Warning;
    /// <summary><c>text</c> (default) or <c>json</c>: one JSON object per line, for machines.</summary>
    public LogFormat LogFormat { get; set; } = LogFormat.Text;
    /// <summary>How long finished runs and unreferenced events are kept (<c>[retention]</c>).</summary>
    public RetentionOptions Retention { get; set; } = new();

    /// <summary>URL the CLI uses to reach the server; empty means <c>http://Host:Port</c>.</summary>
    public string ServerUrl { get; set; } = "";

    /// <summary>The URL clients use: <see cref="ServerUrl"/>, else built from <see cref="Host"/> and <see cref="Port"/>.</summary>
    public Uri ClientUrl => new(string.IsNullOrWhiteSpace(ServerUrl)
        ? $"http://{(Host is "0.0.0.0" or "*" or "" ? "127.0.0.1" : Host)}:{Port}"
        : ServerUrl.TrimEnd('/'));

    /// <summary>Optional Redis (<c>redis://host:6379</c> or a StackExchange.Redis configuration string): cross-replica
    /// pub/sub for queue wake-ups and live webhook streams. Without it, replicas use LISTEN/NOTIFY and polling, and
    /// live streams see only deliveries received by their own replica.</summary>
    public string Redis { get; set; } = "";

    /// <summary>Gateway to include in <c>yard status</c> (its <c>/health</c> is probed), e.g. <c>http://127.0.0.1:3018</c>.</summary>
    public string GatewayUrl { get; set; } = "";

    /// <summary>Supervisor status endpoint to include in <c>yard status</c>, e.g. <c>http://127.0.0.1:9999</c>.</summary>
    public string SupervisorUrl { get; set; } = "";

    /// <summary>OTLP/HTTP endpoint (e.g. <c>http://127.0.0.1:4318</c>) for spans and metrics; the standard
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable is used when this is empty.</summary>
    public string OtlpEndpoint { get; set; } = "";

    /// <summary>Reverse proxies whose <c>X-Forwarded-For</c> / <c>X-Forwarded-Proto</c> are believed: comma-separated
    /// addresses or CIDR networks (e.g. <c>10.0.0.5, 10.1.0.0/16</c>). Empty (the default): forwarded headers are
    /// ignored and the client is the connecting address.</summary>
    public string TrustedProxies { get; set; } = "";

    /// <summary>Directory of pipeline files, one per pipeline (<c>NAME.toml</c> or <c>NAME.json</c>); none when empty.</summary>
    public string PipelinesDir { get; set; } = "";

    /// <summary>Pipelines declared in <c>yard.toml</c> (<c>[pipelines.NAME]</c>), as written: each is a DAG document
    /// with a pipeline's own keys (schedule, concurrency, notify), checked by the DAG parser when the server starts.
    /// Not settable from the environment.</summary>
    [RawTable]
    public Dictionary<string, System.Text.Json.Nodes.JsonObject> Pipelines { get; } = new(StringComparer.Ordinal);

    /// <summary>The OTLP endpoint in effect, or null when export is off.</summary>
    public string? EffectiveOtlpEndpoint => !string.IsNullOrWhiteSpace(OtlpEndpoint) ? OtlpEndpoint.TrimEnd('/')
        : Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT") is { Length: > 0 } env ? env.TrimEnd('/') : null;

    /// <summary>The event keys as a list.</summary>
    public IReadOnlyList<string> EventKeyList => Split(EventKeys);
    /// <summary>The app URL allow-list as a list (empty = any http(s) URL).</summary>
    public IReadOnlyList<string> AppUrlsAllowedList => Split(AppUrlsAllowed);
    /// <summary>The app URLs as a list.</summary>
    public IReadOnlyList<string> AppList => Split(Apps);

    /// <summary>True when <see cref="Store"/> names a PostgreSQL database.</summary>
    public bool UsesPostgres => Store.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || Store.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || Store.Contains("Host=", StringComparison.OrdinalIgnoreCase);

    /// <summary>Path of the SQLite database file.</summary>
    public string SqlitePath => Store.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase)
        ? Store["sqlite:".Length..]
        : Path.Combine(DataDir, "switchyard.db");

    /// <summary>What is missing for a safe non-dev start, as one message per problem (empty when fine).</summary>
    public IReadOnlyList<string> SecurityProblems()
    {
        if (Dev) return [];
        var problems = new List<string>();
        if (EventKeyList.Count == 0) problems.Add("no event key: set SWITCHYARD_EVENT_KEYS (or event_keys in yard.toml, or --event-key)");
        if (string.IsNullOrWhiteSpace(SigningKey)) problems.Add("no signing key: set SWITCHYARD_SIGNING_KEY to signkey-prod-<hex> (e.g. signkey-prod-$(openssl rand -hex 32))");
        if (string.IsNullOrWhiteSpace(ApiToken)) problems.Add("no API token: set SWITCHYARD_API_TOKEN (e.g. $(openssl rand -hex 24))");
        return problems;
    }

    private static string[] Split(string value) =>
        value.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
