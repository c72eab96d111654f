using System.Diagnostics;
using System.Text.Json.Nodes;
using Switchyard.Cli.Output;
using Switchyard.Client;

namespace Switchyard.Cli.Client;

/// <summary>How the CLI reports a failed call to the server: an error answer, an unreachable server or a timeout
/// becomes a <see cref="CliException"/> with a stable code and, where one exists, the fix.</summary>
internal static class ServerFailures
{
    public const string UnauthorizedFix = "set SWITCHYARD_API_TOKEN (REST API) or SWITCHYARD_EVENT_KEY (sending) to the server's values";

    /// <summary>The CLI error for <paramref name="error"/>, or null when it is not a failed call to the server.</summary>
    public static CliException? ToCli(Exception error, Uri server, CancellationToken ct) => error switch
    {
        SwitchyardApiException api => new CliException(api.Code, api.Message, api.Status == 401 ? UnauthorizedFix : null),
        HttpRequestException http => new CliException("server_unreachable", $"cannot reach the Switchyard server at {server} ({http.Message})",
            "start it with `yard dev` (or point the CLI elsewhere with --server URL or SWITCHYARD_SERVER_URL)"),
        TaskCanceledException when !ct.IsCancellationRequested =>
            new CliException("server_timeout", $"the Switchyard server at {server} did not answer in time", "check `yard status` or the server's log"),
        _ => null,
    };

    /// <summary>Runs one call; a failure is thrown as the CLI error <see cref="ToCli"/> makes of it.</summary>
    public static async Task<T> CallAsync<T>(this SwitchyardClient client, Func<SwitchyardClient, Task<T>> call, CancellationToken ct)
    {
        try
        {
            return await call(client);
        }
        catch (Exception ex) when (ToCli(ex, client.ServerUrl, ct) is { } cli)
        {
            throw cli;
        }
    }

    /// <summary>Sends events under a new W3C trace (the root of their spans, when the server exports traces) and
    /// returns their ids and the trace id.</summary>
    public static async Task<(IReadOnlyList<string> Ids, string TraceId)> SendTracedAsync(this SwitchyardClient client, JsonNode events, CancellationToken ct)
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var traceparent = $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01";
        var result = await client.CallAsync(c => c.SendEventsAsync(events, traceparent, ct), ct);
        return (result.Ids, traceId);
    }
}
