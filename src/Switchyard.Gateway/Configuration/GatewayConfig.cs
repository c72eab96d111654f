namespace Switchyard.Gateway.Configuration;

/// <summary>The gateway's whole configuration, from <c>gateway.toml</c> (see <see cref="GatewayConfigLoader"/>).</summary>
public sealed record GatewayConfig
{
    /// <summary>The default port.</summary>
    public const int DefaultPort = 3018;

    /// <summary>The file read, when any.</summary>
    public string? File { get; init; }

    /// <summary>Interface the gateway listens on.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Port (0 = any free port).</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>The SDK app id; the delivery function registers as <c>&lt;AppId&gt;-deliver</c>.</summary>
    public string AppId { get; init; } = "gateway";

    /// <summary>The bus server.</summary>
    public Uri ServerUrl { get; init; } = new("http://127.0.0.1:8288");

    /// <summary>Event key for <c>POST /e/{key}</c>.</summary>
    public string? EventKey { get; init; }

    /// <summary>Bearer token for the server's <c>/v1</c> REST API (the stream's event and run topics read it).</summary>
    public string? ApiToken { get; init; }

    /// <summary>Signing key shared with the server (verifies its calls to the delivery function).</summary>
    public string? SigningKey { get; init; }

    /// <summary>Bearer token for <c>POST /observability/emit</c>; the API token when unset.</summary>
    public string? TelemetryToken { get; init; }

    /// <summary>When set, the gateway's own control endpoints and stream need <c>Authorization: Bearer</c> with it.
    /// Without it (outside <see cref="Dev"/>) the gateway serves this host only: a non-loopback <see cref="Host"/> is
    /// refused at start, and requests from web pages (a foreign <c>Origin</c> or <c>Host</c>) are refused.</summary>
    public string? ControlToken { get; init; }

    /// <summary>Set by <c>yard dev --gateway</c>: the control token is not required whatever the host.</summary>
    public bool Dev { get; init; }

    /// <summary>The most WebSocket clients <c>/stream</c> serves at once in this process; more are refused with 503.</summary>
    public int MaxStreamClients { get; init; } = 64;

    /// <summary>Where the server calls the gateway's functions, when not the listening address (proxies, containers).</summary>
    public Uri? PublicUrl { get; init; }

    /// <summary>Redis connection (<c>redis://[:password@]host:port[/db]</c> or a StackExchange.Redis string); null keeps state in the bus store (see <see cref="State"/>).</summary>
    public string? RedisUrl { get; init; }

    /// <summary>Prefix of every Redis key and channel, so gateways of different systems can share a Redis.</summary>
    public string RedisPrefix { get; init; } = "switchyard:gateway:";

    /// <summary>Where shared state lives: <c>auto</c> (Redis when <see cref="RedisUrl"/> is set, else the bus store),
    /// <c>redis</c>, <c>bus</c> (the server's <c>/v1/kv</c> API) or <c>memory</c> (this process only, for development).</summary>
    public string State { get; init; } = "auto";

    /// <summary>The state backend <see cref="State"/> resolves to: <c>redis</c>, <c>bus</c> or <c>memory</c>.</summary>
    public string StateKind => State is "auto" ? (RedisUrl is null ? "bus" : "redis") : State;

    /// <summary>The central session's id: it receives every notification (channels plus stream clients of this session).</summary>
    public string CentralSession { get; init; } = "gateway";

    /// <summary>Retries of each channel send (a durable step) before the channel counts as failed.</summary>
    public int SendRetries { get; init; } = 4;

    /// <summary>How often queued digest notifications are flushed.</summary>
    public TimeSpan DigestInterval { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>For the stream's event and run topics (fed by the server's live feed while someone subscribes): how
    /// often the gateway checks whether anyone still subscribes, and the first wait before reconnecting to a lost feed
    /// (doubled up to 30 s).</summary>
    public TimeSpan WatchInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Lifetime of a poller lease; renewed every third of it.</summary>
    public TimeSpan LeaseTtl { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Directory for file leases (no Redis) and the file channel's default path.</summary>
    public string StateDir { get; init; } = System.IO.Path.Combine(".yard", "gateway");

    /// <summary>The channels, in file order.</summary>
    public IReadOnlyList<ChannelConfig> Channels { get; init; } = [];

    /// <summary>Routes by kind; a missing kind uses <c>default</c>, and without that every enabled channel, immediately.</summary>
    public IReadOnlyDictionary<string, RouteConfig> Routes { get; init; } = new Dictionary<string, RouteConfig>();

    /// <summary>The address clients use: the listening one, with a wildcard host replaced by loopback.</summary>
    public Uri LocalUrl => new($"http://{(Host is "*" or "+" or "0.0.0.0" ? "127.0.0.1" : Host.Contains(':', StringComparison.Ordinal) ? $"[{Host.Trim('[', ']')}]" : Host)}:{Port}");
}
