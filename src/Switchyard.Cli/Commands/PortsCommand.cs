using System.CommandLine;
using System.Net;
using System.Net.NetworkInformation;
using System.Text.Json.Nodes;
using Spectre.Console;
using Switchyard.Cli.Client;
using Switchyard.Cli.Output;
using Switchyard.Cli.Ports;
using Switchyard.Configuration;

namespace Switchyard.Cli.Commands;

/// <summary><c>yard ports [PORT]</c>: every port Switchyard's components are configured to use, and which process
/// actually listens there. Answered locally from the configuration and <c>/proc</c>, so it works while the server is
/// down; the server, when it answers, adds the apps' ports and confirms itself through <c>/health</c>.</summary>
internal static class PortsCommand
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    public static Command Build()
    {
        var portArg = new Argument<int?>("port") { Description = "Only this port: who owns it, and whether that matches the configuration", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("ports", "What listens on Switchyard's ports: the configured owner, and the live OS socket and process") { portArg };
        command.SetAction(async (pr, ct) =>
        {
            var output = CliGlobals.Output(pr);
            var only = pr.GetValue(portArg);
            if (only is < 1 or > 65535)
                return output.Failure("ports", new CliException("invalid_port", $"port {only} is out of range", "give a port between 1 and 65535"));
            SwitchyardConfiguration config;
            try { config = CliGlobals.LoadConfiguration(pr); }
            catch (InvalidDataException ex)
            {
                return output.Failure("ports", new CliException("invalid_config", ex.Message, "fix the value in yard.toml or the SWITCHYARD_* variable, then `yard config`"));
            }
            var options = config.Options;
            var notes = new List<string>();
            var configured = new List<ConfiguredPort> { BusServer(config, pr.GetValue(CliGlobals.Server) is not null) };
            foreach (var (dependency, problem) in Dependencies(options))
            {
                if (problem is not null) notes.Add(problem);
                else if (!IsLocal(new Uri(dependency!.Url!).Host)) notes.Add($"{dependency.Owner} is on another host ({new Uri(dependency.Url!).Authority}); not checked");
                else configured.Add(dependency);
            }

            var switchyardPorts = new HashSet<int>();
            var reachable = false;
            using (var client = CliGlobals.Client(options))
            {
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    timeout.CancelAfter(ProbeTimeout);
                    var health = await client.CallAsync(c => c.GetHealthAsync(timeout.Token), timeout.Token);
                    reachable = health.Status is not null && health.Store is not null;
                    if (reachable && IsLocal(options.ClientUrl.Host)) switchyardPorts.Add(options.ClientUrl.Port);
                    var apps = await client.CallAsync(c => c.ListAppsAsync(timeout.Token), timeout.Token);
                    foreach (var app in apps.Apps)
                    {
                        if (!Uri.TryCreate(app.Url, UriKind.Absolute, out var uri)) continue;
                        if (!IsLocal(uri.Host)) { notes.Add($"app {app.Id} is on another host ({uri.Authority}); not checked"); continue; }
                        configured.Add(new ConfiguredPort(uri.Port, $"app {app.Id}", ConfiguredPort.App, "GET /v1/apps", app.Url));
                    }
                }
                catch (CliException ex)
                {
                    notes.Add(reachable
                        ? $"apps not listed: {ex.Message}{(ex.Fix is null ? "" : $" ({ex.Fix})")}"
                        : $"server not reachable at {options.ClientUrl} ({ex.Code}); apps' ports are not listed");
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    notes.Add($"server at {options.ClientUrl} did not answer within {ProbeTimeout.TotalSeconds:0} s; apps' ports are not listed");
                }
            }

            var proc = new ProcListeners();
            var live = proc.Available;
            if (!live) notes.Add("no /proc/net/tcp here (not Linux): listening processes are not shown");
            var listeners = live ? proc.Read() : [];
            var statuses = PortsReport.Build(configured, listeners, switchyardPorts, only);

            var result = new JsonObject
            {
                ["live"] = live,
                ["server"] = new JsonObject { ["url"] = options.ClientUrl.ToString().TrimEnd('/'), ["reachable"] = reachable },
                ["ports"] = new JsonArray(statuses.Select(s => (JsonNode?)Json(s)).ToArray()),
                ["notes"] = new JsonArray(notes.Select(n => (JsonNode?)n).ToArray()),
            };
            var next = statuses.Where(s => s.Fix is not null && s.Fix.StartsWith("yard ", StringComparison.Ordinal))
                .Select(s => new NextAction(s.Fix!, $"start the {s.Expected?.Owner ?? "server"} on {s.Port}")).ToList();
            if (only is null && statuses.Any(s => s.Status == PortStatus.Ok)) next.Add(new NextAction("yard status", "health of every component"));
            return output.Success("ports", result, c => Render(c, statuses, notes), next.ToArray());
        });
        return command;
    }

    /// <summary>The bus server's port: that of <c>--server</c> / <c>server_url</c> when it names this machine (where the
    /// CLI will look for it), else the <c>port</c> option.</summary>
    private static ConfiguredPort BusServer(SwitchyardConfiguration config, bool serverFlag)
    {
        var options = config.Options;
        if (!string.IsNullOrWhiteSpace(options.ServerUrl) && Uri.TryCreate(options.ServerUrl, UriKind.Absolute, out var url) && IsLocal(url.Host))
            return new ConfiguredPort(url.Port, "bus server", ConfiguredPort.BusServer, serverFlag ? "--server" : "server_url", options.ClientUrl.ToString().TrimEnd('/'));
        var source = config.Describe().FirstOrDefault(r => r.Key == nameof(ServerOptions.Port)).Source ?? "default";
        return new ConfiguredPort(options.Port, "bus server", ConfiguredPort.BusServer, $"port ({source})", $"http://{options.Host}:{options.Port}");
    }

    /// <summary>The supervisor's status port, Redis and PostgreSQL, when configured; or a note on why one cannot be
    /// checked (a Unix socket, an unreadable value).</summary>
    private static IEnumerable<(ConfiguredPort? Port, string? Problem)> Dependencies(ServerOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.SupervisorUrl))
            yield return Uri.TryCreate(options.SupervisorUrl, UriKind.Absolute, out var s)
                ? (new ConfiguredPort(s.Port, "supervisor", ConfiguredPort.Supervisor, "supervisor_url", s.ToString().TrimEnd('/')), null)
                : (null, $"supervisor_url '{options.SupervisorUrl}' is not a URL; not checked");
        if (!string.IsNullOrWhiteSpace(options.Redis))
        {
            var redis = Switchyard.Server.Scaling.RedisBus.Endpoint(options.Redis);
            yield return (new ConfiguredPort(redis.Port, "redis", ConfiguredPort.Redis, "redis", redis.ToString().TrimEnd('/')), null);
        }
        if (options.UsesPostgres)
        {
            (ConfiguredPort?, string?) postgres;
            try
            {
                var cs = new Npgsql.NpgsqlConnectionStringBuilder(Switchyard.Storage.Postgres.PostgresUrl.ToConnectionString(options.Store));
                var host = cs.Host?.Split(',')[0] ?? "localhost";
                postgres = host.StartsWith('/')
                    ? (null, $"postgresql listens on a Unix socket ({host}); not checked")
                    : (new ConfiguredPort(cs.Port, "postgresql", ConfiguredPort.Postgres, "store", $"postgres://{host}:{cs.Port}"), null);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                postgres = (null, $"store is not a readable PostgreSQL URL ({ex.Message}); not checked");
            }
            yield return postgres;
        }
    }

    private static bool IsLocal(string host)
    {
        if (host is "localhost" or "0.0.0.0" or "*" or "+" || host.Equals(Dns.GetHostName(), StringComparison.OrdinalIgnoreCase)) return true;
        if (!IPAddress.TryParse(host.Trim('[', ']'), out var ip)) return false;
        if (IPAddress.IsLoopback(ip) || ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)) return true;
        try
        {
            return NetworkInterface.GetAllNetworkInterfaces().SelectMany(n => n.GetIPProperties().UnicastAddresses).Any(a => a.Address.Equals(ip));
        }
        catch (NetworkInformationException) { return false; }
    }

    private static JsonObject Json(PortStatus s) => new()
    {
        ["port"] = s.Port,
        ["expected"] = s.Expected is { } e
            ? new JsonObject { ["owner"] = e.Owner, ["kind"] = e.Kind, ["configuredBy"] = e.ConfiguredBy, ["url"] = e.Url }
            : null,
        ["listening"] = s.Listeners.Count > 0,
        ["status"] = s.Status,
        ["matches"] = s.Matches,
        ["summary"] = s.Summary,
        ["fix"] = s.Fix,
        ["listeners"] = new JsonArray(s.Listeners.Select(l => (JsonNode?)new JsonObject
        {
            ["address"] = l.Socket.Address,
            ["uid"] = l.Socket.Uid,
            ["pid"] = l.Process?.Pid,
            ["command"] = l.Process?.CommandLine,
            ["yard"] = l.Process is { } p ? YardCommandLine.Subcommand(p.Arguments) : null,
        }).ToArray()),
    };

    private static void Render(IAnsiConsole c, IReadOnlyList<PortStatus> statuses, IReadOnlyList<string> notes)
    {
        var table = Format.Table("port", "expected", "listening", "status");
        foreach (var s in statuses)
        {
            var first = s.Listeners.FirstOrDefault(l => l.Process is not null) ?? s.Listeners.FirstOrDefault();
            var holder = first is null ? "[grey]—[/]"
                : first.Process is { } p ? $"pid {p.Pid} {Markup.Escape(Clip(p.Short, 60))}" : $"uid {first.Socket.Uid} (process not visible)";
            var color = s.Status switch { PortStatus.Ok => "green", PortStatus.Free or PortStatus.Unconfigured => "grey", PortStatus.UnknownOwner => "yellow", _ => "red" };
            table.AddRow(s.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Markup.Escape(s.Expected is { } e ? $"{e.Owner} ({e.ConfiguredBy})" : "—"), holder, $"[{color}]{Markup.Escape(s.Summary)}[/]");
        }
        c.Write(table);
        foreach (var s in statuses.Where(s => s.Fix is not null)) c.MarkupLine($"[yellow]fix {s.Port}:[/] {Markup.Escape(s.Fix!)}");
        foreach (var n in notes) c.MarkupLine($"[grey]{Markup.Escape(n)}[/]");
    }

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
