using Microsoft.Extensions.Hosting;
using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Switchyard.Cli.Output;
using Switchyard.Server;
using Microsoft.AspNetCore.Builder;
using Switchyard.Configuration;
using Switchyard.Engine.Registry;
using Switchyard.Engine.Storage;

namespace Switchyard.Cli.Commands;

/// <summary><c>yard dev</c> and <c>yard server</c>: run the bus in this process until Ctrl-C or SIGTERM.</summary>
internal static class ServeCommands
{
    public static Command Dev() => Build("dev", "Run the bus server in dev mode (SQLite under ./.yard, no keys needed)", dev: true);

    public static Command Server() => Build("server", "Run the bus server (keys required unless --dev)", dev: false);

    private static Command Build(string name, string description, bool dev)
    {
        var host = new Option<string?>("--host") { Description = "Interface to listen on (default 127.0.0.1)" };
        var port = new Option<int?>("--port", "-p") { Description = "Port (default 8288)" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Store directory (default ./.yard)" };
        var store = new Option<string?>("--store") { Description = "sqlite (default) or sqlite:PATH" };
        var app = new Option<string[]>("--app") { Description = "App URL to sync at start (repeatable)", AllowMultipleArgumentsPerToken = false };
        var eventKey = new Option<string[]>("--event-key") { Description = "Accepted event key (repeatable)" };
        var signingKey = new Option<string?>("--signing-key") { Description = "Signing key shared with apps" };
        var apiToken = new Option<string?>("--api-token") { Description = "REST API bearer token" };
        var devFlag = new Option<bool>("--dev") { Description = "Dev mode: no keys, no signing" };
        var roles = new Option<string?>("--roles") { Description = "Also run the built-in worker in these roles, e.g. host,cluster (one port each, from --worker-port)" };
        var workerPort = new Option<int?>("--worker-port") { Description = $"First worker port for --roles (default {Switchyard.Worker.WorkerOptions.DefaultPort}; 0 = any free port)" };
        var gateway = new Option<bool>("--gateway") { Description = "Also run the gateway in this process (channels and routes from --gateway-config)" };
        var gatewayConfig = new Option<string?>("--gateway-config") { Description = $"Gateway configuration for --gateway (default ./{DevGateway.DefaultFile} when present)" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Do not print a line per run start and finish" };
        var gatewayPort = new Option<int?>("--gateway-port") { Description = "Gateway port for --gateway (default from the configuration, else 3018; 0 = any free port)" };
        var command = new Command(name, description) { host, port, dataDir, store, app, eventKey, signingKey, apiToken };
        if (!dev) command.Options.Add(devFlag);
        if (dev) { command.Options.Add(roles); command.Options.Add(workerPort); command.Options.Add(gateway); command.Options.Add(gatewayConfig); command.Options.Add(gatewayPort); command.Options.Add(quiet); }
        command.SetAction(async (pr, ct) =>
        {
            var output = CliGlobals.Output(pr);
            var flags = new Dictionary<string, string?>
            {
                ["Host"] = pr.GetValue(host),
                ["Port"] = pr.GetValue(port)?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["DataDir"] = pr.GetValue(dataDir),
                ["Store"] = pr.GetValue(store),
                ["SigningKey"] = pr.GetValue(signingKey),
                ["ApiToken"] = pr.GetValue(apiToken),
            };
            if (pr.GetValue(app) is { Length: > 0 } apps) flags["Apps"] = string.Join(",", apps);
            if (pr.GetValue(eventKey) is { Length: > 0 } keys) flags["EventKeys"] = string.Join(",", keys);
            if (dev || pr.GetValue(devFlag)) flags["Dev"] = "true";
            var (workerRoles, rolesError) = WorkerCommands.ParseRoles(dev ? pr.GetValue(roles) : null);
            if (rolesError is not null) return output.Failure(name, rolesError);
            Switchyard.Configuration.ServerOptions options;
            try
            {
                options = CliGlobals.LoadConfiguration(pr, flags).Options;
            }
            catch (InvalidDataException ex)
            {
                return output.Failure(name, new CliException("invalid_config", ex.Message, "fix yard.toml or the SWITCHYARD_* variables; `yard config` shows the effective values"));
            }
            // yard status shows the in-process workers (dev runs no supervisor to show them).
            var workerLines = workerRoles.Select(r => new DevWorkerStatus(r, TimeProvider.System)).ToList();
            Microsoft.AspNetCore.Builder.WebApplication web;
            try
            {
                // yard dev shows runs flow (a line per start and finish) unless --quiet.
                var runLog = dev && !pr.GetValue(quiet);
                web = SwitchyardServer.Build(options, configureServices: s =>
                {
                    if (runLog) s.AddSingleton<Switchyard.Engine.Lifecycle.IRunListener>(new DevRunLog(Console.Out, output.Json));
                    foreach (var line in workerLines) s.AddSingleton<Switchyard.Engine.Insight.IComponentStatusSource>(line);
                });
            }
            catch (InvalidDataException ex)
            {
                return output.Failure(name, new CliException("invalid_config", ex.Message, "fix the pipelines in yard.toml or pipelines_dir; `yard config` shows the effective values"));
            }
            catch (InvalidOperationException ex)
            {
                return output.Failure(name, new CliException("insecure_config", ex.Message.Split('\n')[0], string.Join(" ", ex.Message.Split('\n').Skip(1)).Trim()));
            }
            await using (web)
            {
                try
                {
                    await SwitchyardServer.StartAsync(web, ct);
                }
                catch (IOException ex) when (ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
                {
                    return output.Failure(name, new CliException("port_in_use", $"port {options.Port} on {options.Host} is already in use",
                        $"stop the other process (`yard ports {options.Port}`, or `ss -ltnp 'sport = :{options.Port}'`) or pass --port"));
                }
                var storeInfo = web.Services.GetRequiredService<IStore>();
                var url = SwitchyardServer.Addresses(web).FirstOrDefault() ?? options.ClientUrl.ToString();
                var (workers, workerError) = workerRoles.Count == 0 ? ([], null)
                    : await WorkerCommands.StartForDevAsync(options, new Uri(url), workerRoles, pr.GetValue(workerPort) ?? Switchyard.Worker.WorkerOptions.DefaultPort, ct);
                var (gatewayApp, gatewayUrl, gatewayError) = dev && pr.GetValue(gateway) && workerError is null
                    ? await DevGateway.StartAsync(options, new Uri(url), pr.GetValue(gatewayConfig), pr.GetValue(gatewayPort), ct)
                    : (null, null, null);
                // yard status probes the dev gateway too (the options instance is the server's own).
                if (gatewayUrl is not null && string.IsNullOrWhiteSpace(options.GatewayUrl)) options.GatewayUrl = gatewayUrl;
                // The gateway registers itself in the background; a notification sent before its function is known
                // starts no run. Ready means ready to deliver, so wait for the registration (10 s at most) first.
                if (gatewayApp is not null) await GatewayRegisteredAsync(web, gatewayApp, ct);
                foreach (var w in workers) workerLines.Single(l => l.Role == w.App.Options.Role).Attach(w.App, w.Synced, w.SyncMessage);
                if ((workerError ?? gatewayError) is { } startError)
                {
                    foreach (var w in workers) await w.App.DisposeAsync();
                    await web.StopAsync(CancellationToken.None);
                    return output.Failure(name, startError);
                }
                var appSyncs = await FirstSyncsAsync(web, options, ct);
                if (output.Json)
                {
                    Console.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
                    {
                        ok = true, command = name,
                        result = new
                        {
                            url, mode = options.Dev ? "dev" : "production", store = new { kind = storeInfo.Kind, location = storeInfo.Location },
                            apps = appSyncs.Select(a => new { url = a.Url, synced = a.Synced, message = a.Message }),
                            workers = workers.Select(w => { var d = WorkerCommands.Describe(w.App); d["synced"] = w.Synced; d["syncMessage"] = w.SyncMessage; return d; }),
                            gateway = gatewayUrl is null ? null : new { url = gatewayUrl, health = gatewayUrl.TrimEnd('/') + "/health" },
                        },
                        next_actions = Array.Empty<object>(),
                    }));
                }
                else
                {
                    AnsiConsole.MarkupLine($"[bold]Switchyard[/] {(options.Dev ? "[yellow]dev[/] " : "")}server listening on [link]{url}[/]");
                    AnsiConsole.MarkupLine($"  store   {storeInfo.Kind} {Markup.Escape(storeInfo.Location)}");
                    AnsiConsole.MarkupLine($"  events  POST {url.TrimEnd('/')}/e/<event-key>");
                    AnsiConsole.MarkupLine($"  health  GET  {url.TrimEnd('/')}/health");
                    var resync = options.Dev ? $"; re-synced every {options.ResyncInterval.TotalSeconds} s" : "";
                    foreach (var a in appSyncs)
                        AnsiConsole.MarkupLine($"  app     {Markup.Escape(a.Url)} " + (a.Synced ? $"[green]synced[/]{resync}" : $"[red]not synced: {Markup.Escape(a.Message)}[/] (retrying{resync})"));
                    foreach (var w in workers)
                        AnsiConsole.MarkupLine($"  worker  {Markup.Escape(w.App.AppId)} (role {Markup.Escape(w.App.Options.Role)}) {Markup.Escape(w.App.ServeUrl.ToString())}, health {Markup.Escape(w.App.HealthUrl.ToString())}: "
                            + $"{Markup.Escape(string.Join(", ", w.App.FunctionIds))}{(w.App.Options.AllowShell ? " [yellow](shell allowed: dev mode)[/]" : "")} {(w.Synced ? "[green]synced[/]" : $"[red]not synced: {Markup.Escape(w.SyncMessage)}[/]")}");
                    if (gatewayUrl is not null)
                    {
                        AnsiConsole.MarkupLine($"  gateway {Markup.Escape(gatewayUrl)}, health {Markup.Escape(gatewayUrl.TrimEnd('/'))}/health, stream ws://{Markup.Escape(new Uri(gatewayUrl).Authority)}/stream");
                        if (gatewayApp!.Services.GetRequiredService<Switchyard.Gateway.Configuration.GatewayConfig>().Channels is [{ Name: DevGateway.ConsoleChannelName, Type: "console" }])
                            AnsiConsole.MarkupLine($"  gateway channels: none configured, so notifications print here (channel [bold]{DevGateway.ConsoleChannelName}[/]); add channels in {DevGateway.DefaultFile}");
                    }
                    AnsiConsole.MarkupLine("[grey]Ctrl-C to stop.[/]");
                }
                // Start-up leaves garbage behind (configuration, DI graphs, one-off buffers); handing it back to the OS
                // once keeps a server that then sits idle small. Load later sizes the heap as it needs.
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                try
                {
                    await web.WaitForShutdownAsync(ct);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl-C: fall through to a clean stop.
                }
                foreach (var w in workers)
                {
                    await w.App.StopAsync(CancellationToken.None);
                    await w.App.DisposeAsync();
                }
                if (gatewayApp is not null)
                {
                    // Before the server, so the gateway still reaches the bus store while it releases its leases.
                    await gatewayApp.StopAsync(CancellationToken.None);
                    await gatewayApp.DisposeAsync();
                }
                await web.StopAsync(CancellationToken.None);
            }
            return 0;
        });
        return command;
    }

    private static async Task GatewayRegisteredAsync(WebApplication web, WebApplication gateway, CancellationToken ct)
    {
        var appId = gateway.Services.GetRequiredService<Switchyard.Gateway.Configuration.GatewayConfig>().AppId;
        var registry = web.Services.GetRequiredService<FunctionRegistry>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (registry.Current.App(appId) is null && DateTime.UtcNow < deadline) await Task.Delay(50, ct);
    }

    /// <summary>Waits (10 s at most each) for the first attempt to sync every configured app, so the banner reports
    /// what happened rather than what was intended.</summary>
    private static async Task<List<(string Url, bool Synced, string Message)>> FirstSyncsAsync(
        WebApplication web, ServerOptions options, CancellationToken ct)
    {
        var resync = web.Services.GetRequiredService<AppResync>();
        var results = new List<(string, bool, string)>();
        foreach (var url in options.AppList)
        {
            try
            {
                var result = await resync.FirstAttemptAsync(url).WaitAsync(TimeSpan.FromSeconds(10), ct);
                results.Add((url, result.Ok, result.Ok ? "synced" : result.Message));
            }
            catch (TimeoutException)
            {
                results.Add((url, false, "no answer within 10 s"));
            }
        }
        return results;
    }
}
