using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using Switchyard.Cli.Client;
using Switchyard.Cli.Output;
using Switchyard.Gateway.Configuration;

namespace Switchyard.Cli.Commands;

/// <summary><c>yard notify send &lt;text&gt;</c>: request a notification (<c>gateway/notify.requested</c> through the
/// Event API) and, with <c>--wait</c>, wait for its receipt.</summary>
internal static class NotifyCommands
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    public static Command Build() => new("notify", "Notifications through the gateway") { Send() };

    private static Command Send()
    {
        var text = new Argument<string>("text") { Description = "What to say" };
        var kind = new Option<string>("--kind", "-k") { Description = "alert, progress, digest, ask or receipt (default progress)", DefaultValueFactory = _ => "progress" };
        var session = new Option<string?>("--session") { Description = "Origin session: it gets the notification too (not for alerts)" };
        var correlation = new Option<string?>("--correlation-id") { Description = "Correlation id (default a new one); a repeated id is delivered once" };
        var action = new Option<string[]>("--action") { Description = "A button as label=data (repeatable, at most 6)", AllowMultipleArgumentsPerToken = false };
        var wait = new Option<bool>("--wait") { Description = "Wait for the receipt (gateway/delivery.confirmed|failed) and print it" };
        var timeout = new Option<string?>("--timeout") { Description = "With --wait: how long (default 60s)" };
        var command = new Command("send", "Send gateway/notify.requested; with --wait, print the receipt (exit 1 when delivery failed)") { text, kind, session, correlation, action, wait, timeout };
        command.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "notify send", async (client, output) =>
        {
            var k = pr.GetValue(kind)!;
            if (!GatewayConfigLoader.Kinds.Contains(k))
                throw new CliException("invalid_kind", $"--kind '{k}' is not a notification kind", $"use one of {string.Join(", ", GatewayConfigLoader.Kinds)}");
            var actions = new JsonArray();
            foreach (var a in pr.GetValue(action) ?? [])
            {
                var eq = a.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0) throw new CliException("invalid_action", $"--action '{a}' is not label=data", "e.g. --action Approve=approve:42");
                actions.Add(new JsonObject { ["label"] = a[..eq], ["data"] = a[(eq + 1)..] });
            }
            var wait0 = Switchyard.Configuration.ConfigDuration.TryParse(pr.GetValue(timeout) ?? "60s") ?? throw new CliException("invalid_timeout", $"--timeout '{pr.GetValue(timeout)}' is not a duration", "e.g. --timeout 30s");
            var correlationId = pr.GetValue(correlation) ?? "cli-" + Guid.CreateVersion7().ToString("N");
            var data = new JsonObject { ["kind"] = k, ["text"] = pr.GetValue(text), ["correlationId"] = correlationId };
            if (pr.GetValue(session) is { } s) data["session"] = s;
            if (actions.Count > 0) data["actions"] = actions;
            var (ids, _) = await client.SendTracedAsync(new JsonObject { ["name"] = "gateway/notify.requested", ["data"] = data }, ct);
            var eventId = ids.FirstOrDefault() ?? "";
            if (!pr.GetValue(wait))
            {
                return output.Success("notify send", new JsonObject { ["eventId"] = eventId, ["correlationId"] = correlationId, ["state"] = "requested" },
                    c => c.MarkupLine($"requested [bold]{Markup.Escape(k)}[/] notification, event [green]{Markup.Escape(eventId)}[/], correlation {Markup.Escape(correlationId)}"),
                    new NextAction($"yard trace {eventId}", "the delivery run and its receipt"));
            }
            var receipt = await WaitAsync(client, correlationId, wait0, ct)
                ?? throw new CliException("receipt_timeout", $"no receipt for {correlationId} within {Switchyard.Configuration.ConfigDuration.Format(wait0)}",
                    $"is a gateway running and synced (`yard gateway status`, `yard functions`)? see `yard why {eventId}`");
            var name = receipt["name"]!.GetValue<string>();
            var rd = receipt["data"]!.AsObject();
            var state = name switch { "gateway/delivery.confirmed" => "confirmed", "gateway/delivery.queued" => "queued", _ => "failed" };
            var result = new JsonObject { ["eventId"] = eventId, ["correlationId"] = correlationId, ["state"] = state, ["receiptEventId"] = receipt["id"]?.DeepClone(), ["receipt"] = rd.DeepClone() };
            if (state == "failed")
                return output.Failure("notify send", new CliException("delivery_failed", $"not delivered: {rd["reason"]?.GetValue<string>() ?? "every channel failed"}",
                    "see `yard gateway status` for channel health"), new NextAction($"yard trace {eventId}", "the delivery run step by step"));
            return output.Success("notify send", result, c =>
            {
                if (state == "queued")
                {
                    c.MarkupLine($"[yellow]queued[/] for the {Markup.Escape(rd["queue"]?.ToString() ?? "")} digest: {Markup.Escape(rd["reason"]?.ToString() ?? "")}");
                    return;
                }
                c.MarkupLine($"[green]delivered[/] via {Markup.Escape(rd["channel"]?.ToString() ?? "")} ({Markup.Escape(rd["platform"]?.ToString() ?? "")}), message id [bold]{Markup.Escape(rd["platformMessageId"]?.ToString() ?? "")}[/]");
                var table = Format.Table("channel", "platform", "status", "message id", "error");
                foreach (var d in rd["deliveries"]?.AsArray() ?? [])
                    table.AddRow(Markup.Escape(d!["channel"]?.ToString() ?? ""), Markup.Escape(d["platform"]?.ToString() ?? ""), Markup.Escape(d["status"]?.ToString() ?? ""),
                        Markup.Escape(d["messageId"]?.ToString() ?? "—"), Format.Text(d["error"], 60));
                c.Write(table);
            }, new NextAction($"yard trace {eventId}", "the delivery run and its receipt"));
        }));
        return command;
    }

    /// <summary>Polls recent <c>gateway/delivery.*</c> events for the receipt of <paramref name="correlationId"/>.</summary>
    private static async Task<JsonObject?> WaitAsync(Switchyard.Client.SwitchyardClient client, string correlationId, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var events = (await client.ListEventsAsync("gateway/delivery.", 48, 500, ct)).Events;
            if (events.FirstOrDefault(e => e.Data?["correlationId"]?.GetValue<string>() == correlationId) is { } found) return CommandOutput.AsJson(found);
            await Task.Delay(Poll, ct);
        }
        return null;
    }
}
