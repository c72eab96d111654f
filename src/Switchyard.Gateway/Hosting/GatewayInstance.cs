namespace Switchyard.Gateway.Hosting;

/// <summary>This gateway process's identity: the owner written into leases, and shown by <c>/health</c>.</summary>
/// <param name="time">The gateway's clock.</param>
public sealed class GatewayInstance(TimeProvider time)
{
    /// <summary><c>host:pid:random</c>, unique per process start (two gateways in one test process differ too).</summary>
    public string Id { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>When the gateway started.</summary>
    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();
}
