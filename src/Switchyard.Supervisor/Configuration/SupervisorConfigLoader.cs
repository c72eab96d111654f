using System.Text.RegularExpressions;
using Switchyard.Configuration;
using Tomlyn.Model;

namespace Switchyard.Supervisor.Configuration;

/// <summary>Reads the supervisor's TOML file. Every problem is an <see cref="InvalidDataException"/> naming the key,
/// and unknown keys are errors too: a misspelt <c>helth_interval</c> would otherwise silently run with the default.
/// The rules are those of <see cref="TomlTableReader"/>; the telemetry token may come from
/// <c>SWITCHYARD_SUPERVISOR__TELEMETRY_TOKEN</c> (over the file) or <c>SWITCHYARD_TELEMETRY_TOKEN</c> (under it).</summary>
public static partial class SupervisorConfigLoader
{
    /// <summary>Keys of the <c>[supervisor]</c> table.</summary>
    public static readonly IReadOnlyList<string> SupervisorKeys =
        ["status_host", "status_port", "server_url", "telemetry_token", "telemetry_timeout", "state_dir"];

    /// <summary>The variable that sets the telemetry token over the file.</summary>
    public const string TelemetryTokenVariable = SwitchyardVariables.SupervisorPrefix + "TELEMETRY_TOKEN";

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

    /// <summary>Parses <paramref name="toml"/>; relative paths resolve against <paramref name="baseDirectory"/>.
    /// <paramref name="environment"/> replaces the process's <c>SWITCHYARD_*</c> variables (tests).</summary>
    public static SupervisorConfig Parse(string toml, string baseDirectory, string? file = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var where = file ?? "supervisor configuration";
        environment ??= SwitchyardVariables.Current();
        var root = new TomlTableReader(TomlConfigurationSource.Parse(toml, where), "", where, baseDirectory, environment);
        foreach (var key in root.Keys.Where(k => k is not ("supervisor" or "services")))
            throw new InvalidDataException($"{where}: unknown top-level key '{key}'{NearestKey.Hint(key, ["supervisor", "services"])} (expected [supervisor] and [services.NAME] tables)");
        foreach (var name in environment.Keys.Where(n => n.StartsWith(SwitchyardVariables.SupervisorPrefix, StringComparison.OrdinalIgnoreCase)))
            if (!string.Equals(name, TelemetryTokenVariable, StringComparison.OrdinalIgnoreCase))
                throw new InvalidDataException($"environment variable {name} is not a supervisor setting{NearestKey.Hint(name, [TelemetryTokenVariable])} (settable: {TelemetryTokenVariable})");

        var sup = root.Table("supervisor") ?? new TomlTableReader([], "supervisor", where, baseDirectory, environment);
        sup.RejectUnknown(SupervisorKeys);
        var stateDir = sup.Path("state_dir") ?? System.IO.Path.Combine(baseDirectory, ".yard", "supervisor");
        var serverText = sup.String("server_url");
        Uri? server = new("http://127.0.0.1:8288");
        if (serverText is not null) server = serverText.Length == 0 ? null : sup.HttpUrl("server_url", serverText);

        var services = new List<ServiceConfig>();
        var table = root.Table("services");
        if (table is null || !table.Keys.Any())
            throw new InvalidDataException($"{where}: no services: add a [services.NAME] table with at least `command`");
        foreach (var name in table.Keys)
        {
            if (!ServiceName().IsMatch(name))
                throw new InvalidDataException($"{where}: service name '{name}' must be lower-case letters, digits, '-', '_' or '.', starting with a letter or digit");
            services.Add(Service(table.Table(name)!, name, stateDir));
        }
        foreach (var dup in services.Where(s => s.Port is not null).GroupBy(s => s.Port).Where(g => g.Count() > 1))
            throw new InvalidDataException($"{where}: port {dup.Key} is configured for {string.Join(" and ", dup.Select(s => s.Name))}");

        return new SupervisorConfig
        {
            File = file,
            StatusHost = sup.String("status_host") ?? "127.0.0.1",
            StatusPort = sup.Int("status_port", 0, 65535) ?? SupervisorConfig.DefaultStatusPort,
            ServerUrl = server,
            TelemetryToken = NullIfEmpty(sup.Secret("telemetry_token", TelemetryTokenVariable)) ?? NullIfEmpty(environment.GetValueOrDefault("SWITCHYARD_TELEMETRY_TOKEN")),
            TelemetryTimeout = sup.Duration("telemetry_timeout") ?? TimeSpan.FromSeconds(2),
            StateDirectory = stateDir,
            Services = services,
        };
    }

    private static ServiceConfig Service(TomlTableReader r, string name, string stateDir)
    {
        r.RejectUnknown(ServiceKeys);
        var (command, args) = Command(r);
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
            Preflight = Argv(r, "preflight"),
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

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex ServiceName();

    /// <summary>An argv: an array of strings is taken as is; a string runs through <c>/bin/sh -c</c>.</summary>
    private static IReadOnlyList<string>? Argv(TomlTableReader r, string key) => r.Raw(key) switch
    {
        null => null,
        string s when s.Trim().Length > 0 => ["/bin/sh", "-c", s],
        TomlArray a when a.Count > 0 && a.All(x => x is string) => a.Cast<string>().ToList(),
        _ => throw r.Error(key, "must be a non-empty string (run with /bin/sh -c) or an array of strings"),
    };

    private static (string Command, IReadOnlyList<string> Args) Command(TomlTableReader r)
    {
        var command = r.Raw("command") switch
        {
            null => throw r.Error("command", "is required: the program to run"),
            string s when s.Trim().Length > 0 => s.Trim(),
            _ => throw r.Error("command", "must be a non-empty string (the program; put its arguments in args)"),
        };
        IReadOnlyList<string> args = r.Raw("args") switch
        {
            null => [],
            TomlArray a when a.All(x => x is string) => a.Cast<string>().ToList(),
            _ => throw r.Error("args", "must be an array of strings"),
        };
        return (command, args);
    }
}
