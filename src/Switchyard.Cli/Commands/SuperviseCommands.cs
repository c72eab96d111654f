using System.CommandLine;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Spectre.Console;
using Switchyard.Cli.Output;
using Switchyard.Supervisor.Configuration;
using Switchyard.Supervisor.Hosting;

namespace Switchyard.Cli.Commands;

/// <summary><c>yard supervise --config supervisor.toml</c>: keep services alive until SIGTERM/SIGINT; and
/// <c>yard supervise status [--url]</c>: what a running supervisor reports.</summary>
internal static class SuperviseCommands
{
    private const string DefaultFile = "supervisor.toml";
    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(5);

    public static Command Build()
    {
        var statusPort = new Option<int?>("--status-port") { Description = "Status endpoint port (overrides supervisor.status_port; 0 = any free port)" };
        var statusHost = new Option<string?>("--status-host") { Description = "Status endpoint interface (overrides supervisor.status_host)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the effective configuration and exit" };
        var command = new Command("supervise",
            "Keep services alive (--config supervisor.toml): preflight, stale-port reclaim, liveness checks, restart with backoff, startup sync, rotating logs, telemetry")
        {
            statusPort, statusHost, dryRun, Status(),
        };
        // A synchronous action on purpose: System.CommandLine gives an async action only a short grace after SIGTERM
        // before returning from Main, while stopping children takes up to stop_timeout. The host handles the signals.
        command.SetAction(pr => Run(pr, pr.GetValue(statusPort), pr.GetValue(statusHost), pr.GetValue(dryRun)));
        return command;
    }

    private static int Run(ParseResult pr, int? statusPort, string? statusHost, bool dryRun)
    {
        var output = CliGlobals.Output(pr);
        var file = pr.GetValue(CliGlobals.Config) ?? DefaultFile;
        SupervisorConfig config;
        try
        {
            config = SupervisorConfigLoader.Load(file);
        }
        catch (FileNotFoundException)
        {
            return output.Failure("supervise", new CliException("config_not_found", $"supervisor configuration {Path.GetFullPath(file)} not found",
                "pass --config FILE; the README's Supervisor section has an example with every key"));
        }
        catch (InvalidDataException ex)
        {
            return output.Failure("supervise", new CliException("invalid_config", ex.Message, $"fix {file}, then `yard supervise --config {file} --dry-run`"));
        }
        if (statusPort is < 0 or > 65535)
            return output.Failure("supervise", new CliException("invalid_port", $"--status-port {statusPort} is out of range", "give a port from 0 to 65535"));
        if (statusPort is { } p) config = config with { StatusPort = p };
        if (!string.IsNullOrWhiteSpace(statusHost)) config = config with { StatusHost = statusHost };

        if (dryRun)
            return output.Success("supervise", ConfigJson(config), c => RenderConfig(c, config),
                new NextAction($"yard supervise --config {file}", "start supervising"));

        Microsoft.AspNetCore.Builder.WebApplication app;
        try
        {
            app = SupervisorApp.Build(config);
        }
        catch (InvalidDataException ex)
        {
            return output.Failure("supervise", new CliException("invalid_config", ex.Message, $"fix {file}"));
        }
        try
        {
            try
            {
                app.StartAsync().GetAwaiter().GetResult();
            }
            catch (IOException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                return output.Failure("supervise", new CliException("port_in_use", $"status port {config.StatusPort} on {config.StatusHost} is already in use",
                    $"another supervisor may be running (`yard supervise status --url http://{config.StatusHost}:{config.StatusPort}`); or set supervisor.status_port / --status-port"));
            }
            var url = app.Services.GetRequiredService<SupervisorService>().StatusUrl ?? $"http://{config.StatusHost}:{config.StatusPort}";
            if (output.Json)
            {
                var result = ConfigJson(config);
                result["status"] = url;
                Console.Out.WriteLine(new JsonObject
                {
                    ["ok"] = true, ["command"] = "supervise", ["result"] = result,
                    ["next_actions"] = new JsonArray(new JsonObject { ["command"] = $"yard supervise status --url {url}", ["description"] = "each service's state" }),
                }.ToJsonString());
            }
            else
            {
                AnsiConsole.MarkupLine($"[bold]Switchyard supervisor[/] ({config.Services.Count} service{(config.Services.Count == 1 ? "" : "s")}), status on [link]{Markup.Escape(url)}/status[/]");
                foreach (var s in config.Services)
                    AnsiConsole.MarkupLine($"  {Markup.Escape(s.Name),-16} {Markup.Escape(string.Join(' ', [s.Command, .. s.Args]))}{(s.Port is { } port ? $"  [grey]port {port}[/]" : "")}");
                AnsiConsole.MarkupLine($"[grey]telemetry → {Markup.Escape(config.ServerUrl?.ToString() ?? "off")} · Ctrl-C or SIGTERM stops every child[/]");
            }
            app.WaitForShutdownAsync().GetAwaiter().GetResult();
        }
        finally
        {
            app.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return 0;
    }

    private static Command Status()
    {
        var url = new Option<string?>("--url") { Description = "The supervisor's status endpoint (default from --config's [supervisor], else http://127.0.0.1:9999)" };
        var command = new Command("status", "What a running supervisor reports: each service's state, pid, uptime, restarts, last failure, next restart") { url };
        command.SetAction(async (pr, ct) =>
        {
            var output = CliGlobals.Output(pr);
            Uri endpoint;
            try
            {
                endpoint = StatusUrl(pr.GetValue(url), pr.GetValue(CliGlobals.Config));
            }
            catch (InvalidDataException ex)
            {
                return output.Failure("supervise status", new CliException("invalid_config", ex.Message, "fix the file, or pass --url"));
            }
            JsonObject status;
            try
            {
                using var http = new HttpClient { Timeout = StatusTimeout };
                using var response = await http.GetAsync(new Uri(endpoint, "/status"), ct);
                status = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct)) as JsonObject
                    ?? throw new HttpRequestException("the answer is not a JSON object");
                if (!response.IsSuccessStatusCode) throw new HttpRequestException($"HTTP {(int)response.StatusCode}");
            }
            catch (Exception ex) when (ex is HttpRequestException or System.Text.Json.JsonException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
            {
                return output.Failure("supervise status", new CliException("supervisor_unreachable", $"no supervisor answers at {endpoint} ({ex.Message})",
                    $"start one with `yard supervise --config {DefaultFile}`, or pass --url (the status_host:status_port it listens on)"));
            }
            var services = status["services"]?.AsArray() ?? [];
            var next = new List<NextAction>();
            foreach (var s in services)
            {
                var state = s?["state"]?.GetValue<string>();
                if (state == "Blocked" && s?["port"] is { } port) next.Add(new NextAction($"yard ports {port}", $"who holds {s["name"]}'s port"));
                else if (state is "Unhealthy" or "Restarting" && s?["stderrLog"]?.GetValue<string>() is { } log) next.Add(new NextAction($"tail -n 50 {log}", $"{s["name"]}'s recent errors"));
            }
            next.Add(new NextAction("yard otel list --source supervisor", "the supervisor's transitions"));
            return output.Success("supervise status", status, c => Render(c, status, endpoint), next.ToArray());
        });
        return command;
    }

    /// <summary>The status endpoint: <c>--url</c>, else the one <c>--config</c>'s file declares, else the default.</summary>
    private static Uri StatusUrl(string? url, string? configFile)
    {
        if (!string.IsNullOrWhiteSpace(url))
            return Uri.TryCreate(url.Contains("://", StringComparison.Ordinal) ? url : "http://" + url, UriKind.Absolute, out var u)
                ? u : throw new InvalidDataException($"--url '{url}' is not a URL");
        var file = configFile ?? DefaultFile;
        if (File.Exists(file))
        {
            var config = SupervisorConfigLoader.Load(file);
            var host = config.StatusHost is "*" or "+" or "0.0.0.0" ? "127.0.0.1" : config.StatusHost.Contains(':', StringComparison.Ordinal) ? $"[{config.StatusHost.Trim('[', ']')}]" : config.StatusHost;
            return new Uri($"http://{host}:{config.StatusPort}");
        }
        return new Uri($"http://127.0.0.1:{SupervisorConfig.DefaultStatusPort}");
    }

    private static void Render(IAnsiConsole c, JsonObject status, Uri endpoint)
    {
        var table = Format.Table("service", "state", "pid", "uptime", "restarts", "last failure", "next restart");
        foreach (var s in status["services"]?.AsArray() ?? [])
        {
            if (s is null) continue;
            var state = s["state"]?.GetValue<string>() ?? "";
            var color = state switch
            {
                "Healthy" or "Running" => "green",
                "Unhealthy" or "Blocked" => "red",
                "Stopped" => "grey",
                _ => "yellow",
            };
            var failure = s["lastFailure"] is JsonObject f
                ? $"{When(f["at"])} {Format.Text(f["reason"], 70)}"
                : "[grey]—[/]";
            var nextAt = s["nextRestartAt"] is { } n && DateTimeOffset.TryParse(n.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
                ? $"in {Math.Max(0, (at - DateTimeOffset.UtcNow).TotalSeconds):0.#} s"
                : "[grey]—[/]";
            table.AddRow(Markup.Escape(s["name"]?.GetValue<string>() ?? ""), $"[{color}]{Markup.Escape(state)}[/]", s["pid"]?.ToString() ?? "[grey]—[/]",
                s["uptimeSeconds"] is { } up ? Uptime(up.GetValue<double>()) : "[grey]—[/]", s["restarts"]?.ToString() ?? "0", failure, nextAt);
        }
        c.Write(table);
        var dropped = status["telemetryDropped"]?.GetValue<long>() ?? 0;
        c.MarkupLine($"[grey]supervisor pid {status["pid"]} at {Markup.Escape(endpoint.ToString())}, up {Uptime(status["uptimeSeconds"]?.GetValue<double>() ?? 0)}, " +
            $"overall {Markup.Escape(status["status"]?.GetValue<string>() ?? "?")}{(dropped > 0 ? $", {dropped} telemetry events not delivered" : "")}[/]");
    }

    private static string When(JsonNode? at) =>
        at is not null && DateTimeOffset.TryParse(at.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
            ? t.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture)
            : "";

    private static string Uptime(double seconds) => TimeSpan.FromSeconds(seconds) switch
    {
        var t when t.TotalHours >= 24 => $"{(int)t.TotalDays}d {t.Hours}h",
        var t when t.TotalHours >= 1 => $"{(int)t.TotalHours}h {t.Minutes}m",
        var t when t.TotalMinutes >= 1 => $"{t.Minutes}m {t.Seconds}s",
        var t => $"{t.TotalSeconds:0.#}s",
    };

    private static JsonObject ConfigJson(SupervisorConfig config) => new()
    {
        ["file"] = config.File,
        ["statusHost"] = config.StatusHost,
        ["statusPort"] = config.StatusPort,
        ["serverUrl"] = config.ServerUrl?.ToString(),
        ["telemetryToken"] = config.TelemetryToken is null ? "unset" : "set",
        ["stateDir"] = config.StateDirectory,
        ["services"] = new JsonArray(config.Services.Select(s => (JsonNode?)new JsonObject
        {
            ["name"] = s.Name,
            ["command"] = s.Command,
            ["args"] = new JsonArray(s.Args.Select(a => (JsonNode?)a).ToArray()),
            ["workingDir"] = s.WorkingDirectory,
            ["envFile"] = s.EnvFile,
            ["env"] = new JsonArray(s.Environment.Keys.Select(k => (JsonNode?)k).ToArray()),
            ["port"] = s.Port,
            ["livenessUrl"] = s.LivenessUrl?.ToString(),
            ["syncUrl"] = s.SyncUrl?.ToString(),
            ["preflight"] = s.Preflight is null ? null : string.Join(' ', s.Preflight),
            ["preflightTimeoutSeconds"] = s.PreflightTimeout.TotalSeconds,
            ["healthIntervalSeconds"] = s.HealthInterval.TotalSeconds,
            ["healthTimeoutSeconds"] = s.HealthTimeout.TotalSeconds,
            ["failuresBeforeRestart"] = s.FailuresBeforeRestart,
            ["startupTimeoutSeconds"] = s.StartupTimeout.TotalSeconds,
            ["restartBackoffSeconds"] = s.RestartBackoff.TotalSeconds,
            ["restartBackoffMaxSeconds"] = s.RestartBackoffMax.TotalSeconds,
            ["startupSyncDelaySeconds"] = s.StartupSyncDelay.TotalSeconds,
            ["stopTimeoutSeconds"] = s.StopTimeout.TotalSeconds,
            ["portRetryIntervalSeconds"] = s.PortRetryInterval.TotalSeconds,
            ["stdoutLog"] = s.StdoutLog,
            ["stderrLog"] = s.StderrLog,
            ["logMaxBytes"] = s.LogMaxBytes,
            ["logKeep"] = s.LogKeep,
        }).ToArray()),
    };

    private static void RenderConfig(IAnsiConsole c, SupervisorConfig config)
    {
        c.MarkupLine($"file {Markup.Escape(config.File ?? "")}");
        c.MarkupLine($"status http://{Markup.Escape(config.StatusHost)}:{config.StatusPort} · telemetry {Markup.Escape(config.ServerUrl?.ToString() ?? "off")} · state {Markup.Escape(config.StateDirectory)}");
        var table = Format.Table("service", "command", "port", "liveness", "health", "backoff");
        foreach (var s in config.Services)
            table.AddRow(Markup.Escape(s.Name), Markup.Escape(string.Join(' ', [s.Command, .. s.Args])), s.Port?.ToString(CultureInfo.InvariantCulture) ?? "—",
                Markup.Escape(s.LivenessUrl?.ToString() ?? "— (exit only)"),
                $"every {s.HealthInterval.TotalSeconds:0.###} s, restart after {s.FailuresBeforeRestart}",
                $"{s.RestartBackoff.TotalSeconds:0.###}–{s.RestartBackoffMax.TotalSeconds:0.###} s");
        c.Write(table);
        foreach (var s in config.Services)
            c.MarkupLine($"[grey]{Markup.Escape(s.Name)} logs: {Markup.Escape(s.StdoutLog)}, {Markup.Escape(s.StderrLog)} (rotated at {s.LogMaxBytes / 1024} KiB, {s.LogKeep} kept)[/]");
    }
}
