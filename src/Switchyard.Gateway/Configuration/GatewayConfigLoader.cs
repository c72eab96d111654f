using System.Globalization;
using System.Text.RegularExpressions;
using Tomlyn;
using Tomlyn.Model;

namespace Switchyard.Gateway.Configuration;

/// <summary>Reads <c>gateway.toml</c>: a <c>[gateway]</c> table, <c>[channels.NAME]</c> tables and a <c>[routes]</c>
/// table. Every problem is an <see cref="InvalidDataException"/> naming the key; unknown keys are errors, because a
/// misspelt <c>chat_idd</c> would otherwise deliver nowhere without a word. Secrets left unset come from the
/// environment (<c>SWITCHYARD_EVENT_KEY</c>, <c>SWITCHYARD_API_TOKEN</c>, <c>SWITCHYARD_SIGNING_KEY</c>,
/// <c>SWITCHYARD_TELEMETRY_TOKEN</c>).</summary>
public static partial class GatewayConfigLoader
{
    /// <summary>The notification kinds.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["alert", "progress", "digest", "ask", "receipt"];

    /// <summary>Channel types.</summary>
    public static readonly IReadOnlyList<string> ChannelTypes = ["telegram", "slack", "discord", "webhook", "console", "file"];

    private static readonly string[] GatewayKeys =
    [
        "host", "port", "app_id", "server_url", "event_key", "api_token", "signing_key", "telemetry_token", "control_token",
        "public_url", "redis_url", "redis_prefix", "central_session", "send_retries", "digest_interval", "watch_interval", "lease_ttl", "state_dir",
        "state",
    ];

    private static readonly Dictionary<string, string[]> TypeKeys = new(StringComparer.Ordinal)
    {
        ["telegram"] = ["token", "chat_id", "api_base_url", "allow", "poll", "poll_timeout", "failures_before_restart"],
        ["slack"] = ["bot_token", "chat_id", "channel", "api_base_url", "webhook_url", "signing_secret", "allow"],
        ["discord"] = ["webhook_url"],
        ["webhook"] = ["url", "secret"],
        ["console"] = [],
        ["file"] = ["path"],
    };

    /// <summary>Reads <paramref name="path"/>; a missing file gives the defaults (no channels) unless
    /// <paramref name="required"/>.</summary>
    public static GatewayConfig Load(string path, bool required = false)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!System.IO.File.Exists(full))
        {
            if (required) throw new FileNotFoundException($"gateway configuration {full} not found", full);
            return WithEnvironment(new GatewayConfig());
        }
        return Parse(System.IO.File.ReadAllText(full), System.IO.Path.GetDirectoryName(full)!, full);
    }

    /// <summary>Parses <paramref name="toml"/>; relative paths resolve against <paramref name="baseDirectory"/>.</summary>
    public static GatewayConfig Parse(string toml, string baseDirectory, string? file = null)
    {
        var where = file ?? "gateway configuration";
        TomlTable root;
        try
        {
            root = TomlSerializer.Deserialize<TomlTable>(toml)!;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{where}: not valid TOML: {ex.Message}", ex);
        }
        foreach (var key in root.Keys.Where(k => k is not ("gateway" or "channels" or "routes")))
            throw new InvalidDataException($"{where}: unknown top-level key '{key}' (expected [gateway], [channels.NAME] and [routes])");

        var g = new Reader(Table(root, "gateway", where) ?? [], "gateway", where);
        g.RejectUnknown(GatewayKeys);
        var channels = new List<ChannelConfig>();
        foreach (var (name, value) in Table(root, "channels", where) ?? [])
        {
            if (!Name().IsMatch(name))
                throw new InvalidDataException($"{where}: channel name '{name}' must be lower-case letters, digits, '-' or '_', starting with a letter");
            if (value is not TomlTable t) throw new InvalidDataException($"{where}: channels.{name} must be a table");
            channels.Add(Channel(new Reader(t, $"channels.{name}", where), name, baseDirectory));
        }
        var routes = Routes(Table(root, "routes", where), channels, where);
        var config = new GatewayConfig
        {
            File = file,
            Host = g.String("host") ?? "127.0.0.1",
            Port = g.Int("port", 0, 65535) ?? GatewayConfig.DefaultPort,
            AppId = g.String("app_id") ?? "gateway",
            ServerUrl = g.Url("server_url") ?? new Uri("http://127.0.0.1:8288"),
            EventKey = Empty(g.String("event_key")),
            ApiToken = Empty(g.String("api_token")),
            SigningKey = Empty(g.String("signing_key")),
            TelemetryToken = Empty(g.String("telemetry_token")),
            ControlToken = Empty(g.String("control_token")),
            PublicUrl = g.Url("public_url"),
            RedisUrl = Empty(g.String("redis_url")),
            RedisPrefix = g.String("redis_prefix") ?? "switchyard:gateway:",
            State = g.String("state") ?? "auto",
            CentralSession = g.String("central_session") ?? "gateway",
            SendRetries = g.Int("send_retries", 0, 20) ?? 4,
            DigestInterval = g.Duration("digest_interval") ?? TimeSpan.FromMinutes(15),
            WatchInterval = g.Duration("watch_interval") ?? TimeSpan.FromSeconds(1),
            LeaseTtl = g.Duration("lease_ttl") ?? TimeSpan.FromSeconds(15),
            StateDir = g.String("state_dir") is { } dir ? System.IO.Path.GetFullPath(dir, baseDirectory) : System.IO.Path.Combine(baseDirectory, ".yard", "gateway"),
            Channels = channels,
            Routes = routes,
        };
        if (config.State is not ("auto" or "redis" or "bus" or "memory"))
            throw new InvalidDataException($"{where}: gateway.state must be auto, redis, bus or memory (got '{config.State}')");
        if (config.State is "redis" && config.RedisUrl is null) throw new InvalidDataException($"{where}: gateway.state = \"redis\" needs gateway.redis_url");
        if (config.LeaseTtl < TimeSpan.FromSeconds(1)) throw new InvalidDataException($"{where}: gateway.lease_ttl must be at least 1s");
        if (config.DigestInterval <= TimeSpan.Zero) throw new InvalidDataException($"{where}: gateway.digest_interval must be positive");
        return WithEnvironment(config);
    }

    /// <summary>Fills unset secrets from the environment.</summary>
    public static GatewayConfig WithEnvironment(GatewayConfig config) => config with
    {
        EventKey = config.EventKey ?? Empty(Environment.GetEnvironmentVariable("SWITCHYARD_EVENT_KEY")),
        ApiToken = config.ApiToken ?? Empty(Environment.GetEnvironmentVariable("SWITCHYARD_API_TOKEN")),
        SigningKey = config.SigningKey ?? Empty(Environment.GetEnvironmentVariable("SWITCHYARD_SIGNING_KEY")),
        TelemetryToken = config.TelemetryToken ?? Empty(Environment.GetEnvironmentVariable("SWITCHYARD_TELEMETRY_TOKEN")),
    };

    private static ChannelConfig Channel(Reader r, string name, string baseDirectory)
    {
        var type = r.String("type") ?? throw r.Error("type", $"is required ({string.Join(", ", ChannelTypes)})");
        if (!TypeKeys.TryGetValue(type, out var keys)) throw r.Error("type", $"'{type}' is not one of {string.Join(", ", ChannelTypes)}");
        r.RejectUnknown(["type", "enabled", .. keys], $"a {type} channel");
        var config = new ChannelConfig
        {
            Name = name,
            Type = type,
            Enabled = r.Bool("enabled") ?? true,
            Token = Empty(r.String("token")),
            ChatId = Empty(r.Scalar("chat_id") ?? r.Scalar("channel")),
            ApiBaseUrl = r.Url("api_base_url"),
            BotToken = Empty(r.String("bot_token")),
            WebhookUrl = r.Url("webhook_url"),
            SigningSecret = Empty(r.String("signing_secret")),
            Url = r.Url("url"),
            Secret = Empty(r.String("secret")),
            Path = r.String("path") is { } p ? System.IO.Path.GetFullPath(p, baseDirectory) : null,
            Allow = r.List("allow"),
            Poll = r.Bool("poll") ?? false,
            PollTimeout = r.Duration("poll_timeout") ?? TimeSpan.FromSeconds(25),
            FailuresBeforeRestart = r.Int("failures_before_restart", 1, 1000) ?? 3,
        };
        switch (type)
        {
            case "telegram":
                if (config.Token is null) throw r.Error("token", "is required (the bot token from @BotFather)");
                if (config.ChatId is null && !config.Poll) throw r.Error("chat_id", "is required unless the channel only polls");
                break;
            case "slack":
                if (config.BotToken is null && config.WebhookUrl is null && config.SigningSecret is null)
                    throw r.Error("bot_token", "or webhook_url (outbound) or signing_secret (inbound) is required");
                if (config.BotToken is not null && config.ChatId is null) throw r.Error("channel", "is required with bot_token (the channel id, e.g. C0123)");
                break;
            case "discord":
                if (config.WebhookUrl is null) throw r.Error("webhook_url", "is required");
                break;
            case "webhook":
                if (config.Url is null) throw r.Error("url", "is required");
                if (config.Secret is null) throw r.Error("secret", "is required (receivers verify the X-Switchyard-Signature HMAC with it)");
                break;
        }
        return config;
    }

    private static Dictionary<string, RouteConfig> Routes(TomlTable? table, List<ChannelConfig> channels, string where)
    {
        var routes = new Dictionary<string, RouteConfig>(StringComparer.Ordinal);
        foreach (var (kind, value) in table ?? [])
        {
            if (kind != "default" && !Kinds.Contains(kind))
                throw new InvalidDataException($"{where}: routes.{kind}: unknown kind (expected {string.Join(", ", Kinds)} or default)");
            var r = value switch
            {
                TomlTable t => new Reader(t, $"routes.{kind}", where),
                TomlArray a => new Reader(new TomlTable { ["channels"] = a }, $"routes.{kind}", where),
                _ => throw new InvalidDataException($"{where}: routes.{kind} must be a table {{ channels = [...], delivery = \"immediate\" }} or a list of channels"),
            };
            r.RejectUnknown(["channels", "delivery"]);
            var names = r.List("channels");
            foreach (var n in names.Where(n => channels.All(c => c.Name != n)))
                throw r.Error("channels", $"names unknown channel '{n}' (configured: {string.Join(", ", channels.Select(c => c.Name))})");
            var delivery = r.String("delivery") switch
            {
                null or "immediate" => RouteDelivery.Immediate,
                "digest" or "batch" => RouteDelivery.Digest,
                var other => throw r.Error("delivery", $"'{other}' must be immediate or digest"),
            };
            if (kind is "alert" && delivery == RouteDelivery.Digest) throw r.Error("delivery", "alerts are always immediate");
            routes[kind] = new RouteConfig(kind, names, delivery);
        }
        return routes;
    }

    private static string? Empty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    private static TomlTable? Table(TomlTable root, string key, string where) => root.TryGetValue(key, out var v)
        ? v as TomlTable ?? throw new InvalidDataException($"{where}: '{key}' must be a table")
        : null;

    [GeneratedRegex("^[a-z][a-z0-9_-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Name();

    /// <summary>Typed reads of one table, with errors that name the key.</summary>
    private sealed class Reader(TomlTable table, string section, string where)
    {
        public InvalidDataException Error(string key, string problem) => new($"{where}: {section}.{key} {problem}");

        public void RejectUnknown(IReadOnlyCollection<string> known, string? what = null)
        {
            foreach (var key in table.Keys.Where(k => !known.Contains(k)))
                throw new InvalidDataException($"{where}: {section}.{key} is not a key of {what ?? $"[{section}]"} (known: {string.Join(", ", known)})");
        }

        public string? String(string key) => table.TryGetValue(key, out var v)
            ? v as string ?? throw Error(key, "must be a string")
            : null;

        /// <summary>A string or an integer read as text (chat ids are often written as numbers).</summary>
        public string? Scalar(string key) => table.TryGetValue(key, out var v)
            ? v switch { string s => s, long l => l.ToString(CultureInfo.InvariantCulture), _ => throw Error(key, "must be a string or an integer") }
            : null;

        public bool? Bool(string key) => table.TryGetValue(key, out var v) ? v as bool? ?? throw Error(key, "must be true or false") : null;

        public int? Int(string key, int min, int max)
        {
            if (!table.TryGetValue(key, out var v)) return null;
            if (v is not long l || l < min || l > max) throw Error(key, $"must be an integer from {min} to {max}");
            return (int)l;
        }

        public TimeSpan? Duration(string key)
        {
            if (!table.TryGetValue(key, out var v)) return null;
            var text = v switch { string s => s, long l => l.ToString(CultureInfo.InvariantCulture), double d => d.ToString(CultureInfo.InvariantCulture), _ => null };
            return GatewayDuration.TryParse(text) ?? throw Error(key, "must be a duration such as 30s, 5m, 8h or 250ms");
        }

        public Uri? Url(string key)
        {
            var text = String(key);
            if (string.IsNullOrEmpty(text)) return null;
            return Uri.TryCreate(text, UriKind.Absolute, out var u) && u.Scheme is "http" or "https" ? u : throw Error(key, $"'{text}' must be an http(s) URL");
        }

        public IReadOnlyList<string> List(string key)
        {
            if (!table.TryGetValue(key, out var v)) return [];
            if (v is not TomlArray a) throw Error(key, "must be a list");
            return a.Select(x => x switch
            {
                string s => s,
                long l => l.ToString(CultureInfo.InvariantCulture),
                _ => throw Error(key, "must hold strings or integers"),
            }).ToArray();
        }
    }
}
