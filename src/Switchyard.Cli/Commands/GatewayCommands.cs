using System.CommandLine;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Spectre.Console;
using Switchyard.Cli.Output;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Hosting;

namespace Switchyard.Cli.Commands;

/// <summary><c>yard gateway [run]</c>: the gateway daemon (channels and routes from <c>--config gateway.toml</c>);
/// <c>yard gateway status|channels|stream|sleep|wake|mute|unmute</c>: operate a running one.</summary>
internal static class GatewayCommands
{
    private const string DefaultFile = "gateway.toml";
    private static readonly Option<string?> Url = new("--url") { Description = "The gateway (default from --config's [gateway] host/port, else $SWITCHYARD_GATEWAY_URL, else http://127.0.0.1:3018)", Recursive = true };

    public static Command Build()
    {
        var (port, host) = RunOptions();
        var command = new Command("gateway", "The gateway: delivers notifications to chat channels with receipts, turns chat into events, streams sessions, events and runs")
        {
            port, host, Url, Run(), Status(), Channels(), Stream(), Sleep(), Wake(), Mute(), Unmute(),
        };
        command.SetAction(pr => RunDaemon(pr, pr.GetValue(port), pr.GetValue(host), "gateway"));
        return command;
    }

    private static (Option<int?> Port, Option<string?> Host) RunOptions() =>
        (new Option<int?>("--port", "-p") { Description = "Port (overrides gateway.port; default 3018, 0 = any free port)" },
         new Option<string?>("--host") { Description = "Interface (overrides gateway.host; default 127.0.0.1)" });

    private static Command Run()
    {
        var (port, host) = RunOptions();
        var command = new Command("run", "Run the gateway daemon until Ctrl-C or SIGTERM (the same as `yard gateway`)") { port, host };
        command.SetAction(pr => RunDaemon(pr, pr.GetValue(port), pr.GetValue(host), "gateway run"));
        return command;
    }

    /// <summary>Synchronous on purpose, as <c>yard supervise</c>: the host handles SIGTERM and stops cleanly, releasing
    /// poller leases, before Main returns.</summary>
    private static int RunDaemon(ParseResult pr, int? port, string? host, string name)
    {
        var output = CliGlobals.Output(pr);
        var file = pr.GetValue(CliGlobals.Config);
        GatewayConfig config;
        try
        {
            config = GatewayConfigLoader.Load(file ?? DefaultFile, required: file is not null);
        }
        catch (FileNotFoundException)
        {
            return output.Failure(name, new CliException("config_not_found", $"gateway configuration {Path.GetFullPath(file!)} not found",
                "pass --config FILE; the README's Gateway section has an example"));
        }
        catch (InvalidDataException ex)
        {
            return output.Failure(name, new CliException("invalid_config", ex.Message, $"fix {file ?? DefaultFile}"));
        }
        if (port is < 0 or > 65535) return output.Failure(name, new CliException("invalid_port", $"--port {port} is out of range", "give a port from 0 to 65535"));
        if (port is { } p) config = config with { Port = p };
        if (!string.IsNullOrWhiteSpace(host)) config = config with { Host = host };
        if (pr.GetValue(CliGlobals.Server) is { } server)
        {
            if (!Uri.TryCreate(server, UriKind.Absolute, out var serverUrl))
                return output.Failure(name, new CliException("invalid_server", $"--server '{server}' is not a URL", "pass e.g. --server http://127.0.0.1:8288"));
            config = config with { ServerUrl = serverUrl };
        }

        Microsoft.AspNetCore.Builder.WebApplication app;
        try
        {
            app = GatewayApp.Build(config);
        }
        catch (InvalidDataException ex)
        {
            return output.Failure(name, new CliException("invalid_config", ex.Message, $"fix {file ?? DefaultFile}"));
        }
        try
        {
            try
            {
                app.StartAsync().GetAwaiter().GetResult();
            }
            catch (IOException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                return output.Failure(name, new CliException("port_in_use", $"port {config.Port} on {config.Host} is already in use",
                    $"another gateway may be running (`yard gateway status`, `yard ports {config.Port}`); or pass --port"));
            }
            var url = GatewayApp.Addresses(app).FirstOrDefault() ?? config.LocalUrl.ToString();
            var result = new JsonObject
            {
                ["url"] = url, ["server"] = config.ServerUrl.ToString(), ["appId"] = config.AppId, ["state"] = config.StateKind,
                ["config"] = config.File, ["channels"] = new JsonArray(config.Channels.Select(c => (JsonNode?)new JsonObject { ["name"] = c.Name, ["type"] = c.Type, ["poll"] = c.Poll }).ToArray()),
            };
            if (output.Json)
            {
                Console.Out.WriteLine(new JsonObject
                {
                    ["ok"] = true, ["command"] = name, ["result"] = result,
                    ["next_actions"] = new JsonArray(new JsonObject { ["command"] = $"yard gateway status --url {url}", ["description"] = "channels, queue depth, sessions, sleep" }),
                }.ToJsonString());
            }
            else
            {
                AnsiConsole.MarkupLine($"[bold]Switchyard gateway[/] on [link]{Markup.Escape(url)}[/] → bus {Markup.Escape(config.ServerUrl.ToString())} (app [bold]{Markup.Escape(config.AppId)}[/], state {config.StateKind switch { "redis" => "in Redis", "bus" => "in the bus store", _ => "in memory" }})");
                foreach (var c in config.Channels)
                    AnsiConsole.MarkupLine($"  {Markup.Escape(c.Name),-14} {Markup.Escape(c.Type)}{(c.Poll ? " [grey](polls)[/]" : "")}{(c.Enabled ? "" : " [grey](off)[/]")}");
                if (config.Channels.Count == 0) AnsiConsole.MarkupLine("  [yellow]no channels[/]: notifications reach stream clients only (add [[channels.NAME]] to gateway.toml)");
                AnsiConsole.MarkupLine($"[grey]stream ws://{Markup.Escape(new Uri(url).Authority)}/stream · health {Markup.Escape(url.TrimEnd('/'))}/health · Ctrl-C to stop[/]");
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
        var command = new Command("status", "A running gateway's health: channels (healthy/degraded/disabled, pollers), queue depth, stream clients, sessions, sleep");
        command.SetAction((pr, ct) => WithGatewayAsync(pr, "gateway status", async (http, output) =>
        {
            var health = await GetAsync(http, "/health", ct);
            var next = new List<NextAction>();
            if (health["sleep"]?["sleeping"]?.GetValue<bool>() == true) next.Add(new NextAction("yard gateway wake", "wake up and deliver the digest"));
            foreach (var c in health["channels"]?.AsArray() ?? [])
                if (c?["health"]?.GetValue<string>() == "degraded") next.Add(new NextAction($"yard gateway mute {c["name"]} --reason \"…\"", $"silence {c["name"]} while it is broken"));
            next.Add(new NextAction("yard gateway stream --topic gateway", "watch deliveries and inbound messages live"));
            return output.Success("gateway status", health, c => RenderStatus(c, health, http.BaseAddress!), [.. next]);
        }));
        return command;
    }

    private static Command Channels()
    {
        var command = new Command("channels", "Each channel: type, health, mute, sends and failures, poller");
        command.SetAction((pr, ct) => WithGatewayAsync(pr, "gateway channels", async (http, output) =>
        {
            var result = await GetAsync(http, "/channels", ct);
            return output.Success("gateway channels", result, c => c.Write(ChannelTable(result["channels"]!.AsArray())),
                new NextAction("yard notify send \"hello\" --kind progress --wait", "send a test notification and wait for its receipt"));
        }));
        return command;
    }

    private static Command Stream()
    {
        var topic = new Option<string[]>("--topic", "-t") { Description = "session:<id>, events[:<prefix>], runs[:<function prefix>], gateway or * (repeatable; default gateway)", AllowMultipleArgumentsPerToken = false };
        var session = new Option<string?>("--session") { Description = "Register as this interactive session (receives its notifications)" };
        var command = new Command("stream", "Print the gateway's stream live (JSON lines when not a terminal) until Ctrl-C") { topic, session };
        command.SetAction((pr, ct) => WithGatewayAsync(pr, "gateway stream", async (http, output) =>
        {
            var topics = pr.GetValue(topic) is { Length: > 0 } t ? t : pr.GetValue(session) is null ? ["gateway"] : [];
            var query = string.Join("&", topics.Select(x => "topic=" + Uri.EscapeDataString(x)).Concat(pr.GetValue(session) is { } s ? ["session=" + Uri.EscapeDataString(s)] : []));
            var ws = new UriBuilder(http.BaseAddress!) { Scheme = http.BaseAddress!.Scheme == "https" ? "wss" : "ws", Path = "/stream", Query = query }.Uri;
            using var socket = new ClientWebSocket();
            if (http.DefaultRequestHeaders.Authorization is { } auth) socket.Options.SetRequestHeader("Authorization", auth.ToString());
            try
            {
                await socket.ConnectAsync(ws, ct);
            }
            catch (WebSocketException ex)
            {
                throw new CliException("gateway_unreachable", $"cannot open the stream at {ws} ({ex.Message})", "start the gateway with `yard gateway --config gateway.toml`, or pass --url");
            }
            var buffer = new byte[64 * 1024];
            try
            {
                while (socket.State == WebSocketState.Open)
                {
                    using var message = new MemoryStream();
                    WebSocketReceiveResult received;
                    do
                    {
                        received = await socket.ReceiveAsync(buffer, ct);
                        if (received.MessageType == WebSocketMessageType.Close)
                            throw new CliException("stream_closed", "the gateway closed the stream", "reattach with `yard gateway stream`");
                        message.Write(buffer, 0, received.Count);
                    }
                    while (!received.EndOfMessage);
                    Print(output, Encoding.UTF8.GetString(message.ToArray()));
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return 0;
            }
            catch (WebSocketException ex)
            {
                throw new CliException("stream_closed", $"the stream broke ({ex.Message})", "reattach with `yard gateway stream`");
            }
            return 0;
        }));
        return command;
    }

    private static Command Sleep()
    {
        var duration = new Option<string>("--for") { Description = "How long, e.g. 8h, 30m", Required = true };
        var command = new Command("sleep", "Queue non-alert notifications into a digest delivered on wake (alerts and replies still pass)") { duration };
        command.SetAction((pr, ct) => WithGatewayAsync(pr, "gateway sleep", async (http, output) =>
        {
            if (Switchyard.Configuration.ConfigDuration.TryParse(pr.GetValue(duration)) is not { } d || d <= TimeSpan.Zero)
                throw new CliException("invalid_duration", $"--for '{pr.GetValue(duration)}' is not a duration", "give e.g. --for 8h, 30m or 90s");
            var result = await PostAsync(http, "/sleep", new { @for = pr.GetValue(duration) }, ct);
            return output.Success("gateway sleep", result,
                c => c.MarkupLine($"sleeping until [bold]{Format.Time(result["until"])}[/]: non-alert notifications wait for the digest"),
                new NextAction("yard gateway wake", "wake up now and deliver the digest"));
        }));
        return command;
    }

    private static Command Wake()
    {
        var command = new Command("wake", "Stop sleeping and deliver everything queued as one digest");
        command.SetAction((pr, ct) => WithGatewayAsync(pr, "gateway wake", async (http, output) =>
        {
            var result = await PostAsync(http, "/wake", null, ct);
            var items = result["items"]?.GetValue<long>() ?? 0;
            return output.Success("gateway wake", result,
                c => c.MarkupLine(items == 0 ? "awake; nothing was queued" : $"awake; digest [green]{Markup.Escape(result["digestId"]?.GetValue<string>() ?? "")}[/] with {items} notification(s) requested"),
                items == 0 ? [] : [new NextAction("yard events --prefix gateway/delivery.", "the digest's receipts")]);
        }));
        return command;
    }

    private static Command Mute()
    {
        var channel = new Argument<string>("channel") { Description = "Channel name (see `yard gateway channels`)" };
        var reason = new Option<string?>("--reason") { Description = "Why (shown in status)" };
        var command = new Command("mute", "Stop sending to a channel (its notifications are recorded as muted)") { channel, reason };
        command.SetAction((pr, ct) => WithGatewayAsync(pr, "gateway mute", async (http, output) =>
        {
            var result = await PostAsync(http, $"/channels/{Uri.EscapeDataString(pr.GetValue(channel)!)}/mute", new { reason = pr.GetValue(reason) }, ct);
            return output.Success("gateway mute", result, c => c.MarkupLine($"muted [bold]{Markup.Escape(pr.GetValue(channel)!)}[/]: {Markup.Escape(result["reason"]?.GetValue<string>() ?? "")}"),
                new NextAction($"yard gateway unmute {pr.GetValue(channel)}", "send to it again"));
        }));
        return command;
    }

    private static Command Unmute()
    {
        var channel = new Argument<string>("channel") { Description = "Channel name" };
        var command = new Command("unmute", "Send to a muted channel again") { channel };
        command.SetAction((pr, ct) => WithGatewayAsync(pr, "gateway unmute", async (http, output) =>
        {
            var result = await PostAsync(http, $"/channels/{Uri.EscapeDataString(pr.GetValue(channel)!)}/unmute", null, ct);
            return output.Success("gateway unmute", result, c => c.MarkupLine(result["wasMuted"]?.GetValue<bool>() == true
                ? $"unmuted [bold]{Markup.Escape(pr.GetValue(channel)!)}[/]" : $"{Markup.Escape(pr.GetValue(channel)!)} was not muted"));
        }));
        return command;
    }

    /// <summary>Runs a command against a running gateway; connection failures become one line with the fix.</summary>
    private static async Task<int> WithGatewayAsync(ParseResult pr, string command, Func<HttpClient, CommandOutput, Task<int>> body)
    {
        var output = CliGlobals.Output(pr);
        try
        {
            var (url, token) = Endpoint(pr);
            using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(15) };
            if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return await body(http, output);
        }
        catch (CliException error)
        {
            return output.Failure(command, error);
        }
        catch (InvalidDataException ex)
        {
            return output.Failure(command, new CliException("invalid_config", ex.Message, "fix the gateway configuration, or pass --url"));
        }
    }

    /// <summary>The gateway: --url, else the one --config's file (or ./gateway.toml) describes, else the environment, else the default.</summary>
    private static (Uri Url, string? Token) Endpoint(ParseResult pr)
    {
        var file = pr.GetValue(CliGlobals.Config) ?? DefaultFile;
        var config = File.Exists(file) ? GatewayConfigLoader.Load(file) : null;
        var token = config?.ControlToken ?? Environment.GetEnvironmentVariable("SWITCHYARD_GATEWAY_TOKEN");
        var text = pr.GetValue(Url) ?? (config is not null ? config.LocalUrl.ToString() : Environment.GetEnvironmentVariable("SWITCHYARD_GATEWAY_URL"));
        if (string.IsNullOrWhiteSpace(text)) return (new Uri($"http://127.0.0.1:{GatewayConfig.DefaultPort}"), token);
        return Uri.TryCreate(text.Contains("://", StringComparison.Ordinal) ? text : "http://" + text, UriKind.Absolute, out var u)
            ? (u, token) : throw new CliException("invalid_url", $"'{text}' is not a URL", "pass e.g. --url http://127.0.0.1:3018");
    }

    private static async Task<JsonObject> GetAsync(HttpClient http, string path, CancellationToken ct) => await SendAsync(http, HttpMethod.Get, path, null, ct);

    private static async Task<JsonObject> PostAsync(HttpClient http, string path, object? body, CancellationToken ct) => await SendAsync(http, HttpMethod.Post, path, body ?? new { }, ct);

    private static async Task<JsonObject> SendAsync(HttpClient http, HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
        {
            throw new CliException("gateway_unreachable", $"no gateway answers at {http.BaseAddress} ({ex.Message})",
                "start it with `yard gateway --config gateway.toml`, or pass --url (the [gateway] host:port it listens on)");
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            JsonObject? json = null;
            try { json = JsonNode.Parse(text) as JsonObject; }
            catch (JsonException) { }
            if (response.IsSuccessStatusCode && json is not null) return json;
            var code = json?["error"]?["code"]?.GetValue<string>() ?? $"http_{(int)response.StatusCode}";
            var message = json?["error"]?["message"]?.GetValue<string>() ?? $"the gateway answered {(int)response.StatusCode}";
            throw new CliException(code, message, code switch
            {
                "unknown_channel" => "see `yard gateway channels` for the configured names",
                "unauthorized" => "set SWITCHYARD_GATEWAY_TOKEN (or control_token in gateway.toml) to the gateway's control token",
                _ => null,
            });
        }
    }

    private static void Print(CommandOutput output, string json)
    {
        if (output.Json)
        {
            Console.Out.WriteLine(json);
            return;
        }
        var m = JsonNode.Parse(json)!;
        var type = m["type"]?.GetValue<string>() ?? "";
        var data = m["data"];
        var line = type switch
        {
            "ready" => $"[grey]connected as {Markup.Escape(data?["client"]?.ToString() ?? "")}, topics {Markup.Escape(string.Join(", ", data?["topics"]?.AsArray().Select(t => t!.ToString()) ?? []))} (Ctrl-C to stop)[/]",
            "notification" => $"[bold]{Markup.Escape(m["topic"]!.GetValue<string>())}[/] [yellow]{Markup.Escape(data?["kind"]?.ToString() ?? "")}[/] {Format.Text(data?["text"], 100)}",
            "event" => $"[bold]event[/] {Markup.Escape(data?["name"]?.ToString() ?? "")} {Markup.Escape(data?["id"]?.ToString() ?? "")} {Format.Text(data?["data"], 80)}",
            "run" => $"[bold]run[/] {Markup.Escape(data?["functionId"]?.ToString() ?? "")} {Markup.Escape(data?["id"]?.ToString() ?? "")} {Markup.Escape(data?["previousStatus"]?.ToString() ?? "new")} → {Format.Status(data?["status"]?.ToString())}",
            "gateway" => $"[bold]gateway[/] {Markup.Escape(data?["action"]?.ToString() ?? "")} {Format.Text(data, 100)}",
            _ => $"[grey]{Markup.Escape(type)} {Format.Text(data, 100)}[/]",
        };
        output.Console.MarkupLine($"{Format.Clock(m["at"])}  {line}");
    }

    private static void RenderStatus(IAnsiConsole c, JsonObject health, Uri url)
    {
        var sleeping = health["sleep"]?["sleeping"]?.GetValue<bool>() == true;
        var status = health["status"]?.GetValue<string>();
        c.MarkupLine($"gateway [bold]{Markup.Escape(url.ToString())}[/] {(status == "ok" ? "[green]ok[/]" : "[yellow]" + Markup.Escape(status ?? "") + "[/]")} · state {Markup.Escape(health["state"]?.ToString() ?? "")} · up {health["uptimeSeconds"]} s · bus {Markup.Escape(health["server"]?.ToString() ?? "")}");
        c.MarkupLine($"{(sleeping ? $"[yellow]sleeping[/] until {Format.Time(health["sleep"]!["until"])}" : "awake")} · queued {health["queueDepth"]} (sleep {health["queues"]?["sleep"]}, digest {health["queues"]?["digest"]}) · stream clients {health["streamClients"]} · sessions {Markup.Escape(string.Join(", ", health["sessions"]?.AsArray().Select(s => s!.ToString()) ?? []))}");
        c.Write(ChannelTable(health["channels"]?.AsArray() ?? []));
    }

    private static Table ChannelTable(JsonArray channels)
    {
        var table = Format.Table("channel", "type", "health", "sent", "failed", "poller", "last error");
        foreach (var ch in channels.OfType<JsonObject>())
        {
            var health = ch["health"]?.GetValue<string>() ?? "";
            var color = health switch { "healthy" => "green", "degraded" => "yellow", _ => "grey" };
            var muted = ch["muted"]?.GetValue<bool>() == true ? $" (muted: {Markup.Escape(ch["muteReason"]?.ToString() ?? "")})" : "";
            var poller = ch["poller"] is JsonObject p
                ? $"{Markup.Escape(p["state"]?.ToString() ?? "")}{(p["restarts"]?.GetValue<int>() is > 0 and var r ? $", {r} restart(s)" : "")}"
                : "[grey]—[/]";
            table.AddRow(Markup.Escape(ch["name"]?.ToString() ?? ""), Markup.Escape(ch["type"]?.ToString() ?? ""), $"[{color}]{Markup.Escape(health)}[/]{muted}",
                ch["sent"]?.ToString() ?? "0", ch["failed"]?.ToString() ?? "0", poller, Format.Text(ch["lastError"] ?? ch["poller"]?["lastError"], 60));
        }
        return table;
    }
}
