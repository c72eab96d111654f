namespace Switchyard.Worker.Shell;

/// <summary>The data the shell function is invoked with (camelCase JSON): one execution of a DAG shell node.</summary>
/// <param name="DagRunId">The DAG run; its status is polled, and the command is killed once it ends.</param>
/// <param name="Node">The node id within the DAG run.</param>
/// <param name="Command">The command line, run with <c>/bin/sh -c</c>.</param>
/// <param name="Env">Variables on top of the worker's environment (e.g. <c>DEP_&lt;NODE&gt;</c>);
/// <c>SWITCHYARD_RUN_ID</c>, <c>SWITCHYARD_NODE_ID</c> and <c>SWITCHYARD_ATTEMPT</c> are set over them.</param>
/// <param name="Cwd">Working directory; the worker's when null.</param>
/// <param name="TimeoutMs">When the process group is killed; no limit when null.</param>
/// <param name="MaxOutputBytes">How much stdout is kept (1 MiB when null).</param>
/// <param name="StderrTailBytes">How much of the end of stderr is kept (4 KiB when null).</param>
public sealed record ShellRequest(string DagRunId, string Node, string Command, IReadOnlyDictionary<string, string>? Env = null,
    string? Cwd = null, long? TimeoutMs = null, int? MaxOutputBytes = null, int? StderrTailBytes = null);
