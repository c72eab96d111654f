using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Switchyard.Client.Models;
using Switchyard.Sdk;
using Switchyard.Worker.Shell;

namespace Switchyard.Worker.Functions;

/// <summary>Runs one execution of a DAG shell node on this machine (<c>&lt;app&gt;-shell-&lt;role&gt;</c>), for the
/// DAG orchestrator's <c>step.Invoke</c>. Served only by a worker with <see cref="WorkerOptions.AllowShell"/>. A
/// non-zero exit is a returned result; only a failed call (worker stopped, connection lost) is retried, as a new
/// execution with a new attempt number.</summary>
internal sealed class ShellFunction(WorkerOptions options, ShellRunner runner, ShellExecutions executions, DagRunWatch watch,
    Switchyard.Client.SwitchyardClient bus, IHostApplicationLifetime lifetime, TimeProvider time) : SwitchyardFunction<ShellRequest, ShellResult>
{
    /// <summary>The function's only trigger, made inert by a false condition: the SDK needs a trigger, but a shell
    /// command must never start from an event anyone with an event key can send. Invokes (API token, or another
    /// function's step) do not go through trigger conditions.</summary>
    public const string RequestEvent = "switchyard/shell.requested";

    /// <summary>Key-value namespace of the attempt claims (<c>{dagRunId}:{node}:{n}</c>).</summary>
    public const string AttemptNamespace = "app.dag-shell";

    /// <summary>How long an attempt claim is kept: longer than any DAG run is retried.</summary>
    private static readonly TimeSpan ClaimTtl = TimeSpan.FromDays(7);

    /// <summary>Retries of a failed call. High on purpose: each is a lost worker or connection, not a failed command.</summary>
    private const int CallRetries = 10;

    public override void Configure(FunctionBuilder function)
    {
        var catalog = WorkerFunction.Shell(options.Role);
        function.Id(catalog.Id).Name($"Shell ({options.Role})")
            .Roles([.. catalog.Roles])
            .OnEvent(RequestEvent, "false")
            .Retries(CallRetries);
    }

    public override async Task<ShellResult> RunAsync(FunctionContext<ShellRequest> context)
    {
        var request = context.Event.Data;
        if (request is null || string.IsNullOrWhiteSpace(request.DagRunId) || string.IsNullOrWhiteSpace(request.Node) || string.IsNullOrWhiteSpace(request.Command))
            throw new NonRetriableException("The shell function needs dagRunId, node and command.");
        // Claim and run in one step: a call cut off before the result is stored claims a new number when retried.
        return await context.Step.RunAsync("run", () => ExecuteAsync(request, context.RunId, context.CancellationToken));
    }

    private async Task<ShellResult> ExecuteAsync(ShellRequest request, string runId, CancellationToken callAborted)
    {
        // Stopping the worker kills running commands: the engine retries the call elsewhere, as a new attempt.
        using var call = CancellationTokenSource.CreateLinkedTokenSource(callAborted, lifetime.ApplicationStopping);
        using var lease = await executions.EnterAsync(request.DagRunId, request.Node, call.Token);
        var attempt = await ClaimAttemptAsync(request, runId, call.Token);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(call.Token, lease.Superseded);
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
        var watcher = WatchAsync();
        async Task<bool> WatchAsync()
        {
            try
            {
                await watch.WaitForEndAsync(request.DagRunId, watching.Token);
                await stop.CancelAsync();
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        var env = new Dictionary<string, string>(request.Env ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            ["SWITCHYARD_RUN_ID"] = request.DagRunId,
            ["SWITCHYARD_NODE_ID"] = request.Node,
            ["SWITCHYARD_ATTEMPT"] = attempt.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var command = new ShellCommand(request.Command)
        {
            WorkingDirectory = string.IsNullOrWhiteSpace(request.Cwd) ? null : request.Cwd,
            Environment = env,
            Timeout = request.TimeoutMs is > 0 and var ms ? TimeSpan.FromMilliseconds(ms) : null,
            MaxStdoutBytes = request.MaxOutputBytes ?? ShellCommand.DefaultMaxStdoutBytes,
            StderrTailBytes = request.StderrTailBytes ?? ShellCommand.DefaultStderrTailBytes,
        };
        var result = await runner.RunAsync(command, stop.Token);
        await watching.CancelAsync();
        var dagEnded = await watcher;
        // Killed because the DAG ended: the answer is final. Killed because this call is going away (worker stopping,
        // connection lost, a newer execution): fail the call, so the engine retries it as a new attempt.
        if (result.Cancelled && !dagEnded)
            throw new OperationCanceledException($"Shell node {request.Node} of {request.DagRunId} (attempt {attempt}) was stopped: " +
                (lease.Superseded.IsCancellationRequested ? "a newer execution took over" : "the call ended"));
        return result with { Attempt = attempt };
    }

    /// <summary>The next execution number of the node, claimed durably on the server (put-if-absent on
    /// <c>{dagRunId}:{node}:{n}</c> for n = 1, 2, …), so retries and re-deliveries after a crash never share one.</summary>
    private async Task<int> ClaimAttemptAsync(ShellRequest request, string runId, CancellationToken cancellationToken)
    {
        var prefix = KeyPart(request.DagRunId) + ":" + KeyPart(request.Node);
        var value = new JsonObject { ["runId"] = runId, ["app"] = options.RegisteredAppId, ["claimedAt"] = time.GetUtcNow().ToUnixTimeMilliseconds() }.ToJsonString();
        for (var n = 1; ; n++)
        {
            var put = await bus.KvPutAsync(AttemptNamespace, $"{prefix}:{n}", new KvPutRequest(value, (long)ClaimTtl.TotalMilliseconds, IfAbsent: true), cancellationToken);
            if (put.Written) return n;
        }
    }

    /// <summary>A key part the KV API accepts (no whitespace, control characters, '/' or '%'), kept unique by
    /// escaping those and '~' as <c>~XX</c>.</summary>
    private static string KeyPart(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsControl(c) || char.IsWhiteSpace(c) || c is '/' or '%' or '~') escaped.Append('~').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            else escaped.Append(c);
        }
        return escaped.ToString();
    }
}
