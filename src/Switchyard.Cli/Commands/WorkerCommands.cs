using System.CommandLine;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Spectre.Console;
using Switchyard.Cli.Output;
using Switchyard.Configuration;
using Switchyard.Worker;

namespace Switchyard.Cli.Commands;

/// <summary><c>yard worker --role host|cluster</c>: the built-in worker app, until SIGTERM/Ctrl-C; and the workers
/// <c>yard dev --roles</c> starts beside the server.</summary>
internal static class WorkerCommands
{
    /// <summary>A worker started by <c>yard dev --roles</c> and how its sync went.</summary>
    internal sealed record DevWorker(WorkerApp App, bool Synced, string SyncMessage);

    public static Command Build()
    {
        var role = new Option<string?>("--role") { Description = $"{string.Join(" or ", WorkerRoles.All)}: picks the app id (<app-id>-<role>) and the functions (default $SWITCHYARD_ROLE)" };
        var port = new Option<int?>("--port", "-p") { Description = $"Port (default {WorkerOptions.DefaultPort}; 0 = any free port)" };
        var host = new Option<string?>("--host") { Description = "Interface to listen on (default 127.0.0.1)" };
        var appId = new Option<string?>("--app-id") { Description = "Base app id (default switchyard); functions register as <app-id>-<function>" };
        var publicUrl = new Option<string?>("--public-url") { Description = "Origin the server calls the worker at, when not the listening address" };
        var heartbeat = new Option<string?>("--heartbeat-cron") { Description = "Heartbeat schedule (default every minute: \"* * * * *\"; 6 fields = seconds first)" };
        var health = new Option<string?>("--health-cron") { Description = "Function-health schedule (default \"*/5 * * * *\")" };
        var expect = new Option<string[]>("--expect") { Description = "A function id the health check expects besides the worker's own (repeatable)" };
        var noSync = new Option<bool>("--no-sync") { Description = "Do not ask the server to sync the worker at start" };
        var allowShell = new Option<bool>("--allow-shell") { Description = $"Serve <app-id>-shell-<role>, which runs DAG shell nodes: any command a holder of the API token submits, as this user, on this machine (default ${AllowShellVariable})" };
        var command = new Command("worker", "Run the built-in worker (heartbeat cron, function-health check) in one role; /health is its liveness endpoint")
        {
            role, port, host, appId, publicUrl, heartbeat, health, expect, noSync, allowShell,
        };
        // Synchronous on purpose, as `yard supervise`: the host's console lifetime handles SIGTERM and lets in-flight
        // calls finish, where an async action would get only a short grace period.
        command.SetAction(pr =>
        {
            var output = CliGlobals.Output(pr);
            ServerOptions config;
            try
            {
                config = CliGlobals.LoadConfiguration(pr).Options;
            }
            catch (InvalidDataException ex)
            {
                return output.Failure("worker", new CliException("invalid_config", ex.Message, "fix yard.toml or the SWITCHYARD_* variables; `yard config` shows the effective values"));
            }
            var roleName = pr.GetValue(role) ?? Environment.GetEnvironmentVariable("SWITCHYARD_ROLE");
            if (string.IsNullOrWhiteSpace(roleName))
                return output.Failure("worker", new CliException("missing_role", "yard worker needs a role", $"pass --role {string.Join(" or --role ", WorkerRoles.All)} (or set SWITCHYARD_ROLE)"));
            Uri? origin = null;
            if (pr.GetValue(publicUrl) is { } pu && !Uri.TryCreate(pu, UriKind.Absolute, out origin))
                return output.Failure("worker", new CliException("invalid_url", $"--public-url '{pu}' is not an absolute URL", "give scheme://host:port, e.g. http://10.0.0.5:3111"));
            var defaults = new WorkerOptions();
            var options = Options(config, roleName.Trim()) with
            {
                Port = pr.GetValue(port) ?? WorkerOptions.DefaultPort,
                Host = pr.GetValue(host) ?? defaults.Host,
                AppId = pr.GetValue(appId) ?? defaults.AppId,
                PublicUrl = origin,
                HeartbeatCron = pr.GetValue(heartbeat) ?? defaults.HeartbeatCron,
                HealthCron = pr.GetValue(health) ?? defaults.HealthCron,
                ExpectedFunctions = pr.GetValue(expect) ?? [],
                SyncAtStart = !pr.GetValue(noSync),
                AllowShell = pr.GetValue(allowShell) || IsTrue(Environment.GetEnvironmentVariable(AllowShellVariable)),
            };

            WorkerApp worker;
            try
            {
                worker = WorkerApp.Build(options);
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
            {
                return output.Failure("worker", BuildError(ex, options.Role));
            }
            try
            {
                try
                {
                    worker.StartAsync().GetAwaiter().GetResult();
                }
                catch (IOException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
                {
                    return output.Failure("worker", new CliException("port_in_use", $"port {options.Port} on {options.Host} is already in use",
                        $"`yard ports {options.Port}` shows who holds it; or pass --port"));
                }
                var result = Describe(worker);
                result["server"] = options.ServerUrl.ToString();
                result["syncAtStart"] = options.SyncAtStart;
                output.Success("worker", result, c =>
                {
                    c.MarkupLine($"[bold]Switchyard worker[/] {Markup.Escape(worker.AppId)} (role {Markup.Escape(options.Role)}) listening on [link]{Markup.Escape(worker.ServeUrl.GetLeftPart(UriPartial.Authority))}[/]");
                    c.MarkupLine($"  functions  {Markup.Escape(string.Join(", ", worker.FunctionIds))}");
                    c.MarkupLine($"  serve      {Markup.Escape(worker.ServeUrl.ToString())}  [grey](SDK endpoint: the server syncs and calls it)[/]");
                    c.MarkupLine($"  health     {Markup.Escape(worker.HealthUrl.ToString())}  [grey](liveness)[/]");
                    c.MarkupLine($"  server     {Markup.Escape(options.ServerUrl.ToString())}{(options.SyncAtStart ? " [grey](sync requested at start, retried until it answers)[/]" : "")}");
                    if (options.AllowShell)
                        c.MarkupLine($"  [yellow]shell      allowed[/]: {Markup.Escape(ShellFunctionId(options))} runs commands from DAGs as {Markup.Escape(Environment.UserName)} on this machine");
                    c.MarkupLine("[grey]Ctrl-C or SIGTERM to stop.[/]");
                }, new NextAction("yard functions", "see the worker's functions with their role and app"));
                worker.WaitForShutdownAsync().GetAwaiter().GetResult();
            }
            finally
            {
                worker.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            return 0;
        });
        return command;
    }

    /// <summary>The roles of <c>yard dev --roles host,cluster</c>, or an error naming the unknown one.</summary>
    public static (IReadOnlyList<string> Roles, CliException? Error) ParseRoles(string? text)
    {
        var roles = (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
        var unknown = roles.FirstOrDefault(r => !WorkerRoles.All.Contains(r, StringComparer.Ordinal));
        return unknown is null ? (roles, null)
            : ([], new CliException("unknown_role", $"unknown worker role '{unknown}'", $"--roles takes {string.Join(", ", WorkerRoles.All)} (comma-separated)"));
    }

    /// <summary>Starts one worker per role beside an in-process server, on consecutive ports from
    /// <paramref name="firstPort"/> (0 = any free port each), and syncs each one. Each worker's health check also
    /// expects the other roles' functions, since dev runs them all.</summary>
    public static async Task<(List<DevWorker> Workers, CliException? Error)> StartForDevAsync(ServerOptions config, Uri serverUrl, IReadOnlyList<string> roles, int firstPort, CancellationToken ct)
    {
        var workers = new List<DevWorker>();
        // Dev mode runs shell nodes on loopback without --allow-shell (the issue's "yard dev --roles host").
        WorkerOptions DevOptions(string role) => Options(config, role) with { AllowShell = config.Dev };
        var everyFunction = roles.SelectMany(r => { var o = DevOptions(r); return WorkerFunction.For(o).Select(f => $"{o.AppId}-{f.Id}"); }).Distinct(StringComparer.Ordinal).ToList();
        for (var i = 0; i < roles.Count; i++)
        {
            var options = DevOptions(roles[i]) with
            {
                ServerUrl = serverUrl, Port = firstPort == 0 ? 0 : firstPort + i, SyncAtStart = false, ExpectedFunctions = everyFunction,
            };
            WorkerApp app;
            try
            {
                app = WorkerApp.Build(options);
                await app.StartAsync(ct);
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or IOException)
            {
                foreach (var started in workers) await started.App.DisposeAsync();
                var error = ex is IOException
                    ? new CliException("port_in_use", $"worker port {options.Port} is already in use", $"`yard ports {options.Port}` shows who holds it; or pass --worker-port (0 = any free port)")
                    : BuildError(ex, options.Role);
                return ([], error);
            }
            try
            {
                var answer = await app.SyncAsync(ct);
                workers.Add(new DevWorker(app, true, answer.Message));
            }
            catch (Exception ex) when (ex is HttpRequestException or Switchyard.Client.SwitchyardApiException)
            {
                // The server's periodic re-sync only knows apps that registered once, so say so rather than hide it.
                workers.Add(new DevWorker(app, false, ex.Message));
            }
        }
        return (workers, null);
    }

    /// <summary>A worker as the JSON envelopes show it.</summary>
    public static JsonObject Describe(WorkerApp worker) => new()
    {
        ["app"] = worker.AppId,
        ["role"] = worker.Options.Role,
        ["functions"] = new JsonArray(worker.FunctionIds.Select(f => (JsonNode)JsonValue.Create(f)).ToArray()),
        ["serveUrl"] = worker.ServeUrl.ToString(),
        ["healthUrl"] = worker.HealthUrl.ToString(),
        ["port"] = worker.ServeUrl.Port,
        ["allowShell"] = worker.Options.AllowShell,
    };

    /// <summary>The variable that turns <c>--allow-shell</c> on (<c>1</c>, <c>true</c>, <c>yes</c>).</summary>
    public const string AllowShellVariable = "SWITCHYARD_WORKER_ALLOW_SHELL";

    private static string ShellFunctionId(WorkerOptions options) => $"{options.AppId}-{WorkerFunction.Shell(options.Role).Id}";

    private static bool IsTrue(string? value) => value?.Trim().ToLowerInvariant() is "1" or "true" or "yes" or "on";

    /// <summary>The worker settings the configuration implies: the server and the keys the worker presents.</summary>
    private static WorkerOptions Options(ServerOptions config, string role) => new()
    {
        Role = role,
        ServerUrl = config.ClientUrl,
        ApiToken = NullIfEmpty(config.ApiToken),
        TelemetryToken = NullIfEmpty(config.TelemetryToken),
        EventKey = NullIfEmpty(Environment.GetEnvironmentVariable("SWITCHYARD_EVENT_KEY")) ?? config.EventKeyList.FirstOrDefault(),
        SigningKey = NullIfEmpty(config.SigningKey),
    };

    private static CliException BuildError(Exception ex, string role) => ex.Message.StartsWith("Unknown role", StringComparison.Ordinal)
        ? new CliException("unknown_role", ex.Message.Split(':')[0] + $": the worker's roles are {string.Join(", ", WorkerRoles.All)}", $"pass --role {string.Join(" or --role ", WorkerRoles.All)}")
        : new CliException("invalid_worker", ex.Message, $"check the worker options (role {role})");

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
