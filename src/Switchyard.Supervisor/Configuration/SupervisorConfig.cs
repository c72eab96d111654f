namespace Switchyard.Supervisor.Configuration;

/// <summary>The whole supervisor configuration: the <c>[supervisor]</c> table and every <c>[services.NAME]</c>.</summary>
public sealed record SupervisorConfig
{
    /// <summary>Default status endpoint port.</summary>
    public const int DefaultStatusPort = 9999;

    /// <summary>The file it was read from, if any.</summary>
    public string? File { get; init; }

    /// <summary>Interface of the status endpoint.</summary>
    public string StatusHost { get; init; } = "127.0.0.1";

    /// <summary>Port of the status endpoint (0 = any free port).</summary>
    public int StatusPort { get; init; } = DefaultStatusPort;

    /// <summary>The bus server that receives telemetry at <c>/observability/emit</c>; null turns telemetry off.</summary>
    public Uri? ServerUrl { get; init; } = new("http://127.0.0.1:8288");

    /// <summary>Bearer token for <c>/observability/emit</c> (the server's <c>telemetry_token</c>).</summary>
    public string? TelemetryToken { get; init; }

    /// <summary>Timeout of one telemetry post; posting never holds up supervision.</summary>
    public TimeSpan TelemetryTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Directory of the pid files (and of the logs unless configured elsewhere).</summary>
    public required string StateDirectory { get; init; }

    /// <summary>The services, in file order.</summary>
    public required IReadOnlyList<ServiceConfig> Services { get; init; }
}
