using System.Text.RegularExpressions;
using Switchyard.Configuration;
using Tomlyn.Model;

namespace Switchyard.Gateway.Configuration;

/// <summary>Reads <c>gateway.toml</c>: a <c>[gateway]</c> table, <c>[channels.NAME]</c> tables and a <c>[routes]</c>
/// table, with the shared rules of <see cref="TomlTableReader"/>. Every problem is an <see cref="InvalidDataException"/>
/// naming the key; unknown keys are errors, because a misspelt <c>chat_idd</c> would otherwise deliver nowhere without
/// a word. Secrets may come from the environment: <c>SWITCHYARD_GATEWAY__&lt;KEY&gt;</c> for the <c>[gateway]</c> table
/// and <c>SWITCHYARD_GATEWAY__CHANNELS__&lt;NAME&gt;__&lt;KEY&gt;</c> for a channel override the file; the shared
/// <c>SWITCHYARD_EVENT_KEY</c>, <c>SWITCHYARD_API_TOKEN</c>, <c>SWITCHYARD_SIGNING_KEY</c>,
/// <c>SWITCHYARD_TELEMETRY_TOKEN</c> and <c>SWITCHYARD_GATEWAY_TOKEN</c> (the control token) fill what is left unset.</summary>
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
        "state", "max_stream_clients",
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

    /// <summary>Keys of <c>[gateway]</c> that the environment may set.</summary>
    public static readonly IReadOnlyList<string> GatewaySecretKeys = ["event_key", "api_token", "signing_key", "telemetry_token", "control_token", "redis_url"];

    /// <summary>Channel keys that the environment may set (those of the channel's type apply).</summary>
    public static readonly IReadOnlyList<string> ChannelSecretKeys = ["token", "bot_token", "signing_secret", "secret", "webhook_url"];

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

    /// <summary>Parses <paramref name="toml"/>; relative paths resolve against <paramref name="baseDirectory"/>.
    /// <paramref name="environment"/> replaces the process's <c>SWITCHYARD_*</c> variables (tests).</summary>
    public static GatewayConfig Parse(string toml, string baseDirectory, string? file = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var where = file ?? "gateway configuration";
        environment ??= SwitchyardVariables.Current();
        var root = new TomlTableReader(TomlConfigurationSource.Parse(toml, where), "", where, baseDirectory, environment);
        foreach (var key in root.Keys.Where(k => k is not ("gateway" or "channels" or "routes")))
            throw new InvalidDataException($"{where}: unknown top-level key '{key}'{NearestKey.Hint(key, ["gateway", "channels", "routes"])} (expected [gateway], [channels.NAME] and [routes])");

        var g = root.Table("gateway") ?? new TomlTableReader([], "gateway", where, baseDirectory, environment);
        g.RejectUnknown(GatewayKeys);
        var channels = new List<ChannelConfig>();
        var channelTable = root.Table("channels");
        foreach (var name in channelTable?.Keys ?? [])
        {
            if (!Name().IsMatch(name))
                throw new InvalidDataException($"{where}: channel name '{name}' must be lower-case letters, digits, '-' or '_', starting with a letter");
            channels.Add(Channel(channelTable!.Table(name)!, name));
        }
        var routes = Routes(root.Table("routes"), channels, where);
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
            MaxStreamClients = g.Int("max_stream_clients", 1, 100_000) ?? 64,
            DigestInterval = g.Duration("digest_interval") ?? TimeSpan.FromMinutes(15),
            WatchInterval = g.Duration("watch_interval") ?? TimeSpan.FromSeconds(1),
            LeaseTtl = g.Duration("lease_ttl") ?? TimeSpan.FromSeconds(15),
            StateDir = g.Path("state_dir") ?? System.IO.Path.Combine(baseDirectory, ".yard", "gateway"),
            Channels = channels,
            Routes = routes,
        };
        config = WithEnvironment(config, environment);
        if (config.State is not ("auto" or "redis" or "bus" or "memory"))
            throw new InvalidDataException($"{where}: gateway.state must be auto, redis, bus or memory (got '{config.State}')");
        if (config.State is "redis" && config.RedisUrl is null) throw new InvalidDataException($"{where}: gateway.state = \"redis\" needs gateway.redis_url");
        if (config.LeaseTtl < TimeSpan.FromSeconds(1)) throw new InvalidDataException($"{where}: gateway.lease_ttl must be at least 1s");
        if (config.DigestInterval <= TimeSpan.Zero) throw new InvalidDataException($"{where}: gateway.digest_interval must be positive");
        return config;
    }

    /// <summary>The environment variable that sets <paramref name="key"/> of <c>[gateway]</c>, or of channel
    /// <paramref name="channel"/>: <c>SWITCHYARD_GATEWAY__CONTROL_TOKEN</c>, <c>SWITCHYARD_GATEWAY__CHANNELS__OPS__TOKEN</c>.</summary>
    public static string Variable(string key, string? channel = null) =>
        SwitchyardVariables.For(channel is null ? key : $"channels.{channel}.{key}", SwitchyardVariables.GatewayPrefix);

    /// <summary>Applies the environment's secrets: <c>SWITCHYARD_GATEWAY__*</c> over the file, the shared variables
    /// under it. An unknown <c>SWITCHYARD_GATEWAY__*</c> variable is an error naming it.</summary>
    public static GatewayConfig WithEnvironment(GatewayConfig config, IReadOnlyDictionary<string, string>? environment = null)
    {
        environment ??= SwitchyardVariables.Current();
        var known = GatewaySecretKeys.Select(k => Variable(k))
            .Concat(config.Channels.SelectMany(c => ChannelSecretKeys.Where(TypeKeys[c.Type].Contains).Select(k => Variable(k, c.Name))))
            .ToList();
        foreach (var name in environment.Keys.Where(n => n.StartsWith(SwitchyardVariables.GatewayPrefix, StringComparison.OrdinalIgnoreCase)))
            if (!known.Contains(name, StringComparer.OrdinalIgnoreCase))
                throw new InvalidDataException($"environment variable {name} is not a gateway setting{NearestKey.Hint(name, known)} (settable: {string.Join(", ", known)})");
        string? Env(string name) => Empty(environment.GetValueOrDefault(name));
        return config with
        {
            EventKey = Env(Variable("event_key")) ?? config.EventKey ?? Env("SWITCHYARD_EVENT_KEY"),
            ApiToken = Env(Variable("api_token")) ?? config.ApiToken ?? Env("SWITCHYARD_API_TOKEN"),
            SigningKey = Env(Variable("signing_key")) ?? config.SigningKey ?? Env("SWITCHYARD_SIGNING_KEY"),
            TelemetryToken = Env(Variable("telemetry_token")) ?? config.TelemetryToken ?? Env("SWITCHYARD_TELEMETRY_TOKEN"),
            ControlToken = Env(Variable("control_token")) ?? config.ControlToken ?? Env("SWITCHYARD_GATEWAY_TOKEN"),
            RedisUrl = Env(Variable("redis_url")) ?? config.RedisUrl,
        };
    }

    private static ChannelConfig Channel(TomlTableReader r, string name)
    {
        var type = r.String("type") ?? throw r.Error("type", $"is required ({string.Join(", ", ChannelTypes)})");
        if (!TypeKeys.TryGetValue(type, out var keys)) throw r.Error("type", $"'{type}' is not one of {string.Join(", ", ChannelTypes)}");
        r.RejectUnknown(["type", "enabled", .. keys], $"a {type} channel");
        var config = new ChannelConfig
        {
            Name = name,
            Type = type,
            Enabled = r.Bool("enabled") ?? true,
            Token = Empty(r.Secret("token", Variable("token", name))),
            ChatId = Empty(r.Scalar("chat_id") ?? r.Scalar("channel")),
            ApiBaseUrl = r.Url("api_base_url"),
            BotToken = Empty(r.Secret("bot_token", Variable("bot_token", name))),
            WebhookUrl = r.Secret("webhook_url", Variable("webhook_url", name)) is { Length: > 0 } hook ? r.HttpUrl("webhook_url", hook) : null,
            SigningSecret = Empty(r.Secret("signing_secret", Variable("signing_secret", name))),
            Url = r.Url("url"),
            Secret = Empty(r.Secret("secret", Variable("secret", name))),
            Path = r.Path("path"),
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

    private static Dictionary<string, RouteConfig> Routes(TomlTableReader? table, List<ChannelConfig> channels, string where)
    {
        var routes = new Dictionary<string, RouteConfig>(StringComparer.Ordinal);
        foreach (var kind in table?.Keys ?? [])
        {
            if (kind != "default" && !Kinds.Contains(kind))
                throw new InvalidDataException($"{where}: routes.{kind}: unknown kind{NearestKey.Hint(kind, [.. Kinds, "default"])} (expected {string.Join(", ", Kinds)} or default)");
            var r = table!.Raw(kind) switch
            {
                TomlTable => table.Table(kind)!,
                TomlArray a => new TomlTableReader(new TomlTable { ["channels"] = a }, $"routes.{kind}", where, table.BaseDirectory),
                _ => throw table.Error(kind, "must be a table { channels = [...], delivery = \"immediate\" } or a list of channels"),
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

    [GeneratedRegex("^[a-z][a-z0-9_-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Name();
}
