namespace Switchyard.Worker;

/// <summary>The roles the built-in worker runs in.</summary>
public static class WorkerRoles
{
    /// <summary>The worker on the machine: one instance, kept alive by the supervisor; watches the system.</summary>
    public const string Host = "host";

    /// <summary>Stateless workers that may run anywhere, several at once.</summary>
    public const string Cluster = "cluster";

    /// <summary>Both roles, in the order <c>yard dev --roles</c> suggests.</summary>
    public static IReadOnlyList<string> All { get; } = [Host, Cluster];
}
