namespace Switchyard.Cli.Ports;

/// <summary>What listens on one port compared with what should.</summary>
/// <param name="Port">The port.</param>
/// <param name="Expected">The configured owner, or null when Switchyard is not configured to use the port.</param>
/// <param name="Listeners">The live LISTEN sockets on the port.</param>
/// <param name="Status">One of the constants below.</param>
/// <param name="Summary">One line for people.</param>
/// <param name="Fix">What to do, when something is wrong.</param>
public sealed record PortStatus(int Port, ConfiguredPort? Expected, IReadOnlyList<PortListener> Listeners, string Status, string Summary, string? Fix)
{
    /// <summary>The expected owner listens.</summary>
    public const string Ok = "ok";
    /// <summary>Nothing listens on a configured port.</summary>
    public const string NotListening = "not_listening";
    /// <summary>Another program holds a configured port.</summary>
    public const string Conflict = "conflict";
    /// <summary>Something listens, but its process belongs to another user and nothing else confirms who it is.</summary>
    public const string UnknownOwner = "unknown_owner";
    /// <summary>A Switchyard server listens on a port the configuration does not point at.</summary>
    public const string Unexpected = "unexpected";
    /// <summary>A port Switchyard is not configured to use, held by some process.</summary>
    public const string Unconfigured = "unconfigured";
    /// <summary>A port Switchyard is not configured to use, and nothing listens.</summary>
    public const string Free = "free";

    /// <summary>True when what listens matches the configuration.</summary>
    public bool Matches => Status == Ok;
}
