namespace Switchyard.Supervisor.Configuration;

/// <summary>One supervised service, as read from a <c>[services.NAME]</c> table. Relative paths are already resolved
/// against the configuration file's directory.</summary>
public sealed record ServiceConfig
{
    /// <summary>The table name: used in telemetry (<c>component</c>), pid and log file names, and the status endpoint.</summary>
    public required string Name { get; init; }

    /// <summary>The program to run (a path, or a name looked up on <c>PATH</c>).</summary>
    public required string Command { get; init; }

    /// <summary>Its arguments.</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>Where it runs.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary><c>KEY=value</c> lines overlaid on the supervisor's environment, read again before every spawn.</summary>
    public string? EnvFile { get; init; }

    /// <summary>Variables set last (over the env file).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The port the service listens on: checked (and reclaimed from a previous child) before each spawn.</summary>
    public int? Port { get; init; }

    /// <summary>Liveness endpoint (GET, 2xx = alive). Not the SDK endpoint: that one answers only once registration
    /// works, which is a readiness question, not whether the process should be restarted.</summary>
    public Uri? LivenessUrl { get; init; }

    /// <summary>Where to PUT once, <see cref="StartupSyncDelay"/> after a spawn, so the app registers its functions.</summary>
    public Uri? SyncUrl { get; init; }

    /// <summary>A command (argv) that must exit 0 before each spawn; null when there is none.</summary>
    public IReadOnlyList<string>? Preflight { get; init; }

    /// <summary>How long the preflight may run before it counts as failed.</summary>
    public TimeSpan PreflightTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Time between liveness checks once the service has answered.</summary>
    public TimeSpan HealthInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of one liveness check or sync request.</summary>
    public TimeSpan HealthTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Consecutive failed checks that trigger a restart.</summary>
    public int FailuresBeforeRestart { get; init; } = 3;

    /// <summary>How long a fresh child may take to answer its first check before failures count.</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>First restart delay; doubles per consecutive failure up to <see cref="RestartBackoffMax"/>, and resets
    /// after a healthy check.</summary>
    public TimeSpan RestartBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Cap of the restart delay.</summary>
    public TimeSpan RestartBackoffMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Delay between a spawn and the sync PUT.</summary>
    public TimeSpan StartupSyncDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Grace between SIGTERM and SIGKILL.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a port held by another process is checked again.</summary>
    public TimeSpan PortRetryInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The child's stdout log.</summary>
    public required string StdoutLog { get; init; }

    /// <summary>The child's stderr log (also receives preflight output and the supervisor's spawn/exit markers).</summary>
    public required string StderrLog { get; init; }

    /// <summary>Size at which a log file is rotated.</summary>
    public long LogMaxBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>Rotated files kept (<c>.1</c> … <c>.N</c>).</summary>
    public int LogKeep { get; init; } = 5;
}
