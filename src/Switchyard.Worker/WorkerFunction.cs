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

    /// <summary><c>shell-&lt;role&gt;</c> (that role, only with <see cref="WorkerOptions.AllowShell"/>): runs a DAG
    /// shell node's command on the worker's machine. One id per role, so a DAG node's role picks the worker.</summary>
    /// <param name="role">The role of the worker that serves it.</param>
    public static WorkerFunction Shell(string role) => new($"shell-{role}", [role]);

    /// <summary>Every built-in function every worker of its roles serves (<see cref="Shell"/> is opt-in).</summary>
    public static IReadOnlyList<WorkerFunction> All { get; } = [Heartbeat, FunctionHealth, Dag];

    /// <summary>The functions a worker with <paramref name="options"/> serves: those of its role, and its role's
    /// shell function when it allows shell (and the role is one of <see cref="WorkerRoles.All"/>).</summary>
    public static IReadOnlyList<WorkerFunction> For(WorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var functions = All.Where(f => f.Roles.Contains(options.Role, StringComparer.Ordinal)).ToList();
        if (ServesShell(options)) functions.Add(Shell(options.Role));
        return functions;
    }

    /// <summary>Whether a worker with <paramref name="options"/> serves its role's shell function.</summary>
    public static bool ServesShell(WorkerOptions options) =>
        options.AllowShell && WorkerRoles.All.Contains(options.Role, StringComparer.Ordinal);
}
