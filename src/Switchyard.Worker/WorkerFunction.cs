namespace Switchyard.Worker;

/// <summary>One of the worker's built-in functions and the roles it runs in.</summary>
/// <param name="Id">The function's own id; registered as <c>&lt;app id&gt;-&lt;Id&gt;</c> whichever role serves it.</param>
/// <param name="Roles">The roles that serve it.</param>
public sealed record WorkerFunction(string Id, IReadOnlyList<string> Roles)
{
    /// <summary><c>heartbeat</c> (cluster): a cron that emits <c>switchyard/heartbeat</c>, proving that the bus
    /// fires crons and a worker answers.</summary>
    public static WorkerFunction Heartbeat { get; } = new("heartbeat", [WorkerRoles.Cluster]);

    /// <summary><c>function-health</c> (host): compares registered with expected functions and reports crons
    /// whose last successful run is older than twice their cadence.</summary>
    public static WorkerFunction FunctionHealth { get; } = new("function-health", [WorkerRoles.Host]);

    /// <summary><c>dag</c> (host): the DAG orchestrator; its runs are DAG runs (<c>yard dag</c>). On the host role,
    /// next to the shell nodes it runs most often, so <c>yard dev --roles host</c> runs whole DAGs.</summary>
    public static WorkerFunction Dag { get; } = new("dag", [WorkerRoles.Host]);

    /// <summary>Every built-in function.</summary>
    public static IReadOnlyList<WorkerFunction> All { get; } = [Heartbeat, FunctionHealth, Dag];

    /// <summary>The functions a worker in <paramref name="role"/> serves.</summary>
    public static IReadOnlyList<WorkerFunction> For(string role) => All.Where(f => f.Roles.Contains(role, StringComparer.Ordinal)).ToList();
}
