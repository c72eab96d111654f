using System.CommandLine;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Switchyard.Cli.Client;
using Switchyard.Cli.Output;

namespace Switchyard.Cli.Commands;

/// <summary><c>yard webhook providers|list|subscribe|history|stream|unsubscribe</c>.</summary>
internal static class WebhookCommands
{
    public static Command Build() => new("webhook", "Webhook providers and subscriptions to their deliveries")
    {
        Providers(), List(), Subscribe(), History(), Stream(), Unsubscribe(),
    };

    private static Command Providers()
    {
        var command = new Command("providers", "Each webhook provider, whether its secret is set, and the URL to give the service");
        command.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "webhook providers", async (client, output) =>
        {
            var result = CommandOutput.AsJson(await client.ListWebhookProvidersAsync(ct));
            var providers = result["providers"]!.AsArray();
            // The URL the service needs is the one this CLI reaches the server at, not the server's own bind address.
            foreach (var p in providers) p!["url"] = new Uri(client.ServerUrl, p["path"]!.GetValue<string>()).ToString();
            return output.Success("webhook providers", result, c =>
            {
                var table = Format.Table("provider", "kind", "secret", "url");
                foreach (var p in providers)
                    table.AddRow(Markup.Escape(p!["name"]!.GetValue<string>()), Format.Text(p["kind"]),
                        p["secretConfigured"]!.GetValue<bool>() ? "[green]set[/]" : "[yellow]missing[/]", Markup.Escape(p["url"]!.GetValue<string>()));
                c.Write(table);
                // Problems go below the table: they are long, and a cramped column would hide the setting's name.
                foreach (var p in providers.Where(p => p!["problem"] is not null))
                    c.MarkupLine($"[yellow]{Markup.Escape(p!["name"]!.GetValue<string>())}[/]: {Markup.Escape(p["problem"]!.GetValue<string>())}");
            }, new NextAction("yard webhook subscribe github workflow_run.completed --stream", "watch deliveries as they arrive"));
        }));
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "Live webhook subscriptions");
        command.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "webhook list", async (client, output) =>
        {
            var result = CommandOutput.AsJson(await client.ListWebhookSubscriptionsAsync(ct));
            var subscriptions = result["subscriptions"]!.AsArray();
            return output.Success("webhook list", result, c =>
            {
                var table = Format.Table("id", "event", "filters", "created", "expires");
                foreach (var s in subscriptions)
                    table.AddRow(Markup.Escape(s!["id"]!.GetValue<string>()), Markup.Escape(s["eventName"]!.GetValue<string>()),
                        Markup.Escape(Filters(s["filters"])), Format.Time(s["createdAt"]), Format.Time(s["expiresAt"]));
                c.Write(table);
                c.MarkupLine($"[grey]{subscriptions.Count} subscription(s)[/]");
            }, subscriptions.Count > 0
                ? [new NextAction($"yard webhook history {subscriptions[^1]!["id"]}", "deliveries of the newest subscription")]
                : [new NextAction("yard webhook subscribe github workflow_run.completed", "subscribe to a provider's event")]);
        }));
        return command;
    }

    private static Command Subscribe()
    {
        var provider = new Argument<string>("provider") { Description = "Provider, e.g. github (see `yard webhook providers`)" };
        var eventName = new Argument<string>("event") { Description = "Event after the provider prefix, e.g. workflow_run.completed; a trailing * matches a prefix" };
        var filter = new Option<string[]>("--filter") { Description = "Payload path=value that must match, e.g. repository.full_name=acme/api (repeatable)", AllowMultipleArgumentsPerToken = false };
        var ttl = new Option<string?>("--ttl") { Description = "How long the subscription lives (default 24h, at most 30d)" };
        var stream = new Option<bool>("--stream") { Description = "Stay attached and print each delivery as it arrives" };
        var replay = new Option<int?>("--replay") { Description = "With --stream: deliveries to replay first (default 20)" };
        var command = new Command("subscribe", "Register interest in a provider's deliveries (and stream them with --stream)") { provider, eventName, filter, ttl, stream, replay };
        command.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "webhook subscribe", async (client, output) =>
        {
            var filters = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var f in pr.GetValue(filter) ?? [])
            {
                var eq = f.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0) throw new CliException("invalid_filter", $"--filter '{f}' is not key=value", "use a payload path and a value, e.g. --filter workflow_run.conclusion=failure");
                filters[f[..eq].Trim()] = f[(eq + 1)..];
            }
            var result = CommandOutput.AsJson(await client.SubscribeWebhookAsync(
                new Switchyard.Client.Models.WebhookSubscribeRequest(pr.GetValue(provider), pr.GetValue(eventName), filters, pr.GetValue(ttl)), ct));
            var subscription = result["subscription"]!;
            var id = subscription["id"]!.GetValue<string>();
            if (pr.GetValue(stream))
            {
                Console.Error.WriteLine($"subscribed {id} to {subscription["eventName"]} until {Format.Time(subscription["expiresAt"])}");
                return await StreamAsync(pr, client, output, id, pr.GetValue(replay), ct);
            }
            return output.Success("webhook subscribe", result,
                c => c.MarkupLine($"subscribed [green]{Markup.Escape(id)}[/] to [bold]{Markup.Escape(subscription["eventName"]!.GetValue<string>())}[/]{Markup.Escape(Filters(subscription["filters"]) is { Length: > 0 } fs ? " where " + fs : "")} until {Format.Time(subscription["expiresAt"])}"),
                new NextAction($"yard webhook stream {id}", "print deliveries as they arrive"),
                new NextAction($"yard webhook history {id}", "deliveries so far"));
        }));
        return command;
    }

    private static Command History()
    {
        var id = new Argument<string>("id") { Description = "Subscription id" };
        var count = new Option<int?>("--count", "-n") { Description = "How many (default 50, max 200)" };
        var command = new Command("history", "A subscription's deliveries, newest first") { id, count };
        command.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "webhook history", async (client, output) =>
        {
            var result = CommandOutput.AsJson(await client.WebhookHistoryAsync(pr.GetValue(id)!, pr.GetValue(count), ct));
            var deliveries = result["deliveries"]!.AsArray();
            return output.Success("webhook history", result, c =>
            {
                var table = Format.Table("event id", "name", "received", "data");
                foreach (var e in deliveries)
                    table.AddRow(Markup.Escape(e!["id"]!.GetValue<string>()), Markup.Escape(e["name"]!.GetValue<string>()), Format.Time(e["receivedAt"]), Format.Text(e["data"], 60));
                c.Write(table);
                c.MarkupLine($"[grey]{deliveries.Count} deliver{(deliveries.Count == 1 ? "y" : "ies")}[/]");
            }, deliveries.Count > 0 ? [new NextAction($"yard event {deliveries[0]!["id"]}", "the newest delivery and the runs it started")] : []);
        }));
        return command;
    }

    private static Command Stream()
    {
        var id = new Argument<string>("id") { Description = "Subscription id" };
        var replay = new Option<int?>("--replay") { Description = "Deliveries to replay first (default 20, max 200)" };
        var command = new Command("stream", "Print a subscription's deliveries as they arrive (JSON lines when not a terminal)") { id, replay };
        command.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "webhook stream", (client, output) => StreamAsync(pr, client, output, pr.GetValue(id)!, pr.GetValue(replay), ct)));
        return command;
    }

    private static Command Unsubscribe()
    {
        var id = new Argument<string>("id") { Description = "Subscription id" };
        var command = new Command("unsubscribe", "Remove a subscription (its deliveries stay stored as events)") { id };
        command.SetAction((pr, ct) => CliGlobals.WithClientAsync(pr, "webhook unsubscribe", async (client, output) =>
        {
            var result = await client.UnsubscribeWebhookAsync(pr.GetValue(id)!, ct);
            return output.Success("webhook unsubscribe", result, c => c.MarkupLine($"unsubscribed {Markup.Escape(pr.GetValue(id)!)}"));
        }));
        return command;
    }

    /// <summary>Follows the subscription's server-sent events until it ends, the connection drops or Ctrl-C. Prints one
    /// line per delivery: a human line on a terminal, else the delivery as one JSON line.</summary>
    private static async Task<int> StreamAsync(ParseResult pr, Switchyard.Client.SwitchyardClient client, CommandOutput output, string id, int? replay, CancellationToken ct)
    {
        try
        {
            await foreach (var item in client.StreamWebhookDeliveriesAsync(id, replay, ct))
            {
                switch (item.EventType)
                {
                    case "delivery":
                        PrintDelivery(output, item.Data);
                        break;
                    case "ready":
                        if (!output.Json) Console.Error.WriteLine("listening for deliveries (Ctrl-C to stop)");
                        break;
                    case "end":
                        var reason = JsonNode.Parse(item.Data)?["reason"]?.GetValue<string>() ?? "ended";
                        Console.Error.WriteLine($"subscription {id} {reason}");
                        return 0;
                }
            }
            throw new CliException("stream_closed", "the server closed the stream", $"reattach with `yard webhook stream {id}`");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return 0;
        }
        catch (Switchyard.Client.SwitchyardApiException ex)
        {
            throw new CliException(ex.Code, ex.Message, ex.Status == 404 ? "see `yard webhook list` for live subscriptions" : null);
        }
        catch (HttpRequestException ex)
        {
            throw new CliException("server_unreachable", $"lost the stream from {client.ServerUrl} ({ex.Message})", $"reattach with `yard webhook stream {id}`");
        }
        catch (IOException ex)
        {
            throw new CliException("stream_closed", $"the stream from {client.ServerUrl} broke ({ex.Message})", $"reattach with `yard webhook stream {id}`");
        }
    }

    private static void PrintDelivery(CommandOutput output, string data)
    {
        if (output.Json)
        {
            Console.Out.WriteLine(data);
            return;
        }
        var e = JsonNode.Parse(data)!;
        var replayed = e["replayed"]?.GetValue<bool>() == true ? " [grey](replayed)[/]" : "";
        output.Console.MarkupLine($"{Format.Clock(e["receivedAt"])}  [bold]{Markup.Escape(e["name"]!.GetValue<string>())}[/]  {Markup.Escape(e["id"]!.GetValue<string>())}  {Format.Text(e["data"], 80)}{replayed}");
    }

    private static string Filters(JsonNode? filters) =>
        filters is JsonObject o ? string.Join(" ", o.Select(f => $"{f.Key}={PayloadText(f.Value)}")) : "";

    private static string PayloadText(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : node?.ToJsonString() ?? "";
}
