using System.Globalization;
using System.Text.RegularExpressions;
using Tomlyn;
using Tomlyn.Model;

namespace Switchyard.Supervisor.Configuration;

/// <summary>Reads the supervisor's TOML file. Every problem is an <see cref="InvalidDataException"/> naming the key,
/// and unknown keys are errors too: a misspelt <c>helth_interval</c> would otherwise silently run with the default.</summary>
public static partial class SupervisorConfigLoader
{
    /// <summary>Keys of the <c>[supervisor]</c> table.</summary>
    public static readonly IReadOnlyList<string> SupervisorKeys =
        ["status_host", "status_port", "server_url", "telemetry_token", "telemetry_timeout", "state_dir"];

    /// <summary>Keys of a <c>[services.NAME]</c> table.</summary>
    public static readonly IReadOnlyList<string> ServiceKeys =
    [
        "command", "args", "working_dir", "env_file", "env", "port", "liveness_url", "sync_url", "preflight", "preflight_timeout",
        "health_interval", "health_timeout", "failures_before_restart", "startup_timeout", "restart_backoff", "restart_backoff_max",
        "startup_sync_delay", "stop_timeout", "port_retry_interval", "stdout_log", "stderr_log", "log_max_bytes", "log_keep",
    ];

    /// <summary>Reads <paramref name="path"/>.</summary>
    public static SupervisorConfig Load(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"supervisor configuration {full} not found", full);
        return Parse(File.ReadAllText(full), Path.GetDirectoryName(full)!, full);
    }

    /// <summary>Parses <paramref name="toml"/>; relative paths resolve against <paramref name="baseDirectory"/>.</summary>
    public static SupervisorConfig Parse(string toml, string baseDirectory, string? file = null)
    {
        var where = file ?? "supervisor configuration";
        TomlTable root;
        try
        {
            root = TomlSerializer.Deserialize<TomlTable>(toml)!;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{where}: not valid TOML: {ex.Message}", ex);
        }
        foreach (var key in root.Keys.Where(k => k is not ("supervisor" or "services")))
            throw new InvalidDataException($"{where}: unknown top-level key '{key}' (expected [supervisor] and [services.NAME] tables)");

        var sup = new Reader(Table(root, "supervisor", where) ?? [], "supervisor", where, baseDirectory);
        sup.RejectUnknown(SupervisorKeys);
        var stateDir = sup.Path("state_dir") ?? System.IO.Path.Combine(baseDirectory, ".yard", "supervisor");
        var serverText = sup.String("server_url");
        Uri? server = new("http://127.0.0.1:8288");
        if (serverText is not null) server = serverText.Length == 0 ? null : sup.HttpUrl("server_url", serverText);

        var services = new List<ServiceConfig>();
        var table = Table(root, "services", where);
        if (table is null || table.Count == 0)
            throw new InvalidDataException($"{where}: no services: add a [services.NAME] table with at least `command`");
        foreach (var (name, value) in table)
        {
            if (!ServiceName().IsMatch(name))
                throw new InvalidDataException($"{where}: service name '{name}' must be lower-case letters, digits, '-', '_' or '.', starting with a letter or digit");
            if (value is not TomlTable t) throw new InvalidDataException($"{where}: services.{name} must be a table");
            services.Add(Service(new Reader(t, $"services.{name}", where, baseDirectory), name, stateDir));
        }
        foreach (var dup in services.Where(s => s.Port is not null).GroupBy(s => s.Port).Where(g => g.Count() > 1))
            throw new InvalidDataException($"{where}: port {dup.Key} is configured for {string.Join(" and ", dup.Select(s => s.Name))}");

        return new SupervisorConfig
        {
            File = file,
            StatusHost = sup.String("status_host") ?? "127.0.0.1",
            StatusPort = sup.Int("status_port", 0, 65535) ?? SupervisorConfig.DefaultStatusPort,
            ServerUrl = server,
            TelemetryToken = NullIfEmpty(sup.String("telemetry_token")) ?? NullIfEmpty(Environment.GetEnvironmentVariable("SWITCHYARD_TELEMETRY_TOKEN")),
            TelemetryTimeout = sup.Duration("telemetry_timeout") ?? TimeSpan.FromSeconds(2),
            StateDirectory = stateDir,
            Services = services,
        };
    }

    private static ServiceConfig Service(Reader r, string name, string stateDir)
    {
        r.RejectUnknown(ServiceKeys);
        var (command, args) = r.Command();
        var logs = System.IO.Path.Combine(stateDir, "logs");
        var service = new ServiceConfig
        {
            Name = name,
            Command = command,
            Args = args,
            WorkingDirectory = r.Path("working_dir") ?? r.BaseDirectory,
            EnvFile = r.Path("env_file"),
            Environment = r.StringTable("env"),
            Port = r.Int("port", 1, 65535),
            LivenessUrl = r.String("liveness_url") is { } live ? r.HttpUrl("liveness_url", live) : null,
            SyncUrl = r.String("sync_url") is { } sync ? r.HttpUrl("sync_url", sync) : null,
            Preflight = r.Argv("preflight"),
            PreflightTimeout = r.PositiveDuration("preflight_timeout") ?? TimeSpan.FromSeconds(60),
            HealthInterval = r.PositiveDuration("health_interval") ?? TimeSpan.FromSeconds(30),
            HealthTimeout = r.PositiveDuration("health_timeout") ?? TimeSpan.FromSeconds(5),
            FailuresBeforeRestart = r.Int("failures_before_restart", 1, 1000) ?? 3,
            StartupTimeout = r.Duration("startup_timeout") ?? TimeSpan.FromSeconds(60),
            RestartBackoff = r.PositiveDuration("restart_backoff") ?? TimeSpan.FromSeconds(1),
            RestartBackoffMax = r.PositiveDuration("restart_backoff_max") ?? TimeSpan.FromSeconds(30),
            StartupSyncDelay = r.Duration("startup_sync_delay") ?? TimeSpan.FromSeconds(5),
            StopTimeout = r.PositiveDuration("stop_timeout") ?? TimeSpan.FromSeconds(5),
            PortRetryInterval = r.PositiveDuration("port_retry_interval") ?? TimeSpan.FromSeconds(5),
            StdoutLog = r.Path("stdout_log") ?? System.IO.Path.Combine(logs, name + ".out.log"),
            StderrLog = r.Path("stderr_log") ?? System.IO.Path.Combine(logs, name + ".err.log"),
            LogMaxBytes = r.Long("log_max_bytes", 1024, long.MaxValue) ?? 10 * 1024 * 1024,
            LogKeep = r.Int("log_keep", 0, 1000) ?? 5,
        };
        if (service.RestartBackoffMax < service.RestartBackoff)
            throw r.Error("restart_backoff_max", $"must be at least restart_backoff ({service.RestartBackoff.TotalSeconds} s)");
        if (service.SyncUrl is not null && service.LivenessUrl == service.SyncUrl)
            throw r.Error("liveness_url", "must differ from sync_url: check a liveness endpoint (e.g. /health), not the SDK endpoint");
        return service;
    }

    private static TomlTable? Table(TomlTable root, string key, string where) => root.TryGetValue(key, out var v)
        ? v as TomlTable ?? throw new InvalidDataException($"{where}: '{key}' must be a table ([{key}])")
        : null;

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex ServiceName();

    /// <summary>Typed access to one table, with errors that name <c>table.key</c>.</summary>
    private sealed class Reader(TomlTable table, string prefix, string where, string baseDirectory)
    {
        public string BaseDirectory { get; } = baseDirectory;

        public InvalidDataException Error(string key, string message) => new($"{where}: {prefix}.{key} {message}");

        public void RejectUnknown(IReadOnlyList<string> known)
        {
            foreach (var key in table.Keys.Where(k => !known.Contains(k)))
                throw new InvalidDataException($"{where}: unknown key {prefix}.{key} (known: {string.Join(", ", known)})");
        }

        private object? Raw(string key) => table.TryGetValue(key, out var v) ? v : null;

        public string? String(string key) => Raw(key) switch
        {
            null => null,
            string s => s,
            _ => throw Error(key, "must be a string"),
        };

        public long? Long(string key, long min, long max) => Raw(key) switch
        {
            null => null,
            long l when l >= min && l <= max => l,
            _ => throw Error(key, $"must be an integer from {min} to {max}"),
        };

        public int? Int(string key, int min, int max) => (int?)Long(key, min, max);

        public TimeSpan? Duration(string key)
        {
            var raw = Raw(key);
            if (raw is null) return null;
            return ConfigDuration.Parse(raw) ?? throw Error(key, "must be a duration: seconds (30), or 250ms / 5s / 2m / 1h, or 00:00:30");
        }

        public TimeSpan? PositiveDuration(string key)
        {
            var d = Duration(key);
            return d is { } v && v <= TimeSpan.Zero ? throw Error(key, "must be greater than zero") : d;
        }

        public Uri HttpUrl(string key, string text) =>
            Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                ? uri
                : throw Error(key, $"must be an absolute http(s) URL, not '{text}'");

        public string? Path(string key) => String(key) is { Length: > 0 } p ? Resolve(p) : null;

        private string Resolve(string p)
        {
            if (p == "~" || p.StartsWith("~/", StringComparison.Ordinal))
                p = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), p.Length > 2 ? p[2..] : "");
            return System.IO.Path.GetFullPath(p, BaseDirectory);
        }

        public IReadOnlyDictionary<string, string> StringTable(string key)
        {
            switch (Raw(key))
            {
                case null: return new Dictionary<string, string>();
                case TomlTable t:
                    var vars = new Dictionary<string, string>(StringComparer.Ordinal);
                    foreach (var (k, v) in t)
                        vars[k] = v switch
                        {
                            string s => s,
                            long or double or bool => Convert.ToString(v, CultureInfo.InvariantCulture)!.ToLowerInvariant(),
                            _ => throw Error($"{key}.{k}", "must be a string, number or boolean"),
                        };
                    return vars;
                default: throw Error(key, "must be a table, e.g. env = { KEY = \"value\" }");
            }
        }

        /// <summary>An argv: an array of strings is taken as is; a string runs through <c>/bin/sh -c</c>.</summary>
        public IReadOnlyList<string>? Argv(string key) => Raw(key) switch
        {
            null => null,
            string s when s.Trim().Length > 0 => ["/bin/sh", "-c", s],
            TomlArray a when a.Count > 0 && a.All(x => x is string) => a.Cast<string>().ToList(),
            _ => throw Error(key, "must be a non-empty string (run with /bin/sh -c) or an array of strings"),
        };

        public (string Command, IReadOnlyList<string> Args) Command()
        {
            var command = Raw("command") switch
            {
                null => throw Error("command", "is required: the program to run"),
                string s when s.Trim().Length > 0 => s.Trim(),
                _ => throw Error("command", "must be a non-empty string (the program; put its arguments in args)"),
            };
            IReadOnlyList<string> args = Raw("args") switch
            {
                null => [],
                TomlArray a when a.All(x => x is string) => a.Cast<string>().ToList(),
                _ => throw Error("args", "must be an array of strings"),
            };
            return (command, args);
        }
    }
}
