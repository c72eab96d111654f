using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Protocol.Dags;
using Switchyard.Sdk;

namespace Switchyard.Worker.Dags;

/// <summary>Runs one node of a DAG run, attempt after attempt, each as durable steps of the orchestrator's run.
/// noop, http and event nodes run here, in the worker; shell nodes are invoked on a worker of the node's role that
/// allows shell (<c>&lt;app&gt;-shell-&lt;role&gt;</c>), never in the server; invoke nodes invoke their function.</summary>
internal sealed class DagNodeRunner(WorkerOptions options, IHttpClientFactory http)
{
    /// <summary>The HTTP client name used by http nodes.</summary>
    public const string HttpClientName = "switchyard-dag-http";

    /// <summary>How long an http node's attempt may take when the node gives no timeout.</summary>
    public static readonly TimeSpan DefaultHttpTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long a shell node's attempt may take when the node gives no timeout.</summary>
    /// <remarks>Below the server's default call_timeout (5 min): a shell node runs inside one call to its worker.</remarks>
    public static readonly TimeSpan DefaultShellTimeout = TimeSpan.FromMinutes(4);

    /// <summary>Default cap on a shell node's stored stdout.</summary>
    public const int DefaultMaxOutputBytes = 64 * 1024;

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(10);

    public async Task<NodeOutcome> RunAsync(FunctionContext<JsonObject> context, DagSpec spec, DagNode node,
        IReadOnlyDictionary<string, JsonNode?> outputs, JsonNode? input)
    {
        JsonNode? value = null;
        var attempts = node.Retries + 1;
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            if (attempt > 1)
            {
                var delay = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, spec.RetryDelay.Ticks * (1L << Math.Min(attempt - 2, 20))));
                await context.Step.SleepAsync(DagStepNames.Attempt(node.Id, attempt, "backoff"), delay);
            }
            JsonObject config;
            try
            {
                config = DagTemplate.Render(node.Config, outputs, input);
            }
            catch (InvalidOperationException e)
            {
                // A template that cannot render now never will: no retry.
                return new NodeOutcome(false, null, e.Message, attempt);
            }
            value = await AttemptAsync(context, node, attempt, config, outputs);
            if (DagStepNames.Succeeded(value)) return new NodeOutcome(true, DagStepNames.Output(value), null, attempt);
        }
        return new NodeOutcome(false, DagStepNames.Output(value), DagStepNames.Error(value), attempts);
    }

    private Task<JsonNode?> AttemptAsync(FunctionContext<JsonObject> context, DagNode node, int attempt, JsonObject config,
        IReadOnlyDictionary<string, JsonNode?> outputs) => node.Handler switch
    {
        DagHandler.Noop => NoopAsync(context, node, attempt, config),
        DagHandler.Http => context.Step.RunAsync(DagStepNames.Attempt(node.Id, attempt), async () => (JsonNode?)Whole(await HttpAsync(node, config, context.CancellationToken))),
        DagHandler.Event => EventAsync(context, node, attempt, config),
        DagHandler.Invoke => InvokeAsync(context, node, attempt, config["function"]!.GetValue<string>(), config["data"], node.Timeout),
        DagHandler.Shell => InvokeAsync(context, node, attempt, ShellFunctionId(node.Role), ShellRequest(context, node, config, outputs),
            (node.Timeout ?? DefaultShellTimeout) + TimeSpan.FromMinutes(1)),
        _ => throw new NonRetriableException($"node '{node.Id}': handler {node.Handler} is not supported"),
    };

    /// <summary>The id of the shell function served by workers of <paramref name="role"/> that allow shell.</summary>
    public string ShellFunctionId(string role) => $"{options.AppId}-shell-{role}";

    private static async Task<JsonNode?> NoopAsync(FunctionContext<JsonObject> context, DagNode node, int attempt, JsonObject config)
    {
        var sleep = DagParser.ReadDuration(config["sleep"]) ?? TimeSpan.Zero;
        var sleeps = sleep > TimeSpan.Zero;
        if (sleeps) await context.Step.SleepAsync(DagStepNames.Attempt(node.Id, attempt, "sleep"), sleep);
        var output = config["output"]?.DeepClone();
        return await context.Step.RunAsync(DagStepNames.Attempt(node.Id, attempt), () => (JsonNode?)(sleeps ? Attempt(true, output, null) : Whole(Attempt(true, output, null))));
    }

    private async Task<JsonNode> HttpAsync(DagNode node, JsonObject config, CancellationToken cancellationToken)
    {
        var url = config["url"]!.GetValue<string>();
        var method = new HttpMethod((config["method"]?.GetValue<string>() ?? (config["body"] is null ? "GET" : "POST")).ToUpperInvariant());
        using var request = new HttpRequestMessage(method, url);
        if (config["body"] is { } body)
            request.Content = body is JsonValue s && s.GetValueKind() == JsonValueKind.String
                ? new StringContent(s.GetValue<string>(), Encoding.UTF8, "text/plain")
                : new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        if (config["headers"] is JsonObject headers)
            foreach (var (name, value) in headers)
                if (!request.Headers.TryAddWithoutValidation(name, value?.GetValue<string>()))
                    request.Content?.Headers.TryAddWithoutValidation(name, value?.GetValue<string>());
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(node.Timeout ?? DefaultHttpTimeout);
        try
        {
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            JsonNode? parsed = IsJson(response.Content.Headers.ContentType) ? TryParse(text) ?? JsonValue.Create(text) : JsonValue.Create(text);
            var status = (int)response.StatusCode;
            var output = new JsonObject { ["status"] = status, ["body"] = parsed };
            var expected = Expected(config["expectStatus"]);
            var ok = expected is null ? status is >= 200 and < 300 : expected.Contains(status);
            return Attempt(ok, output, ok ? null : $"HTTP {status} from {method} {url}" + (expected is null ? "" : $" (expected {string.Join(" or ", expected)})"));
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var why = e is OperationCanceledException ? $"timed out after {Protocol.TimeString.Format(node.Timeout ?? DefaultHttpTimeout)}" : e.Message;
            return Attempt(false, null, $"{method} {url}: {why}");
        }
    }

    private static async Task<JsonNode?> EventAsync(FunctionContext<JsonObject> context, DagNode node, int attempt, JsonObject config)
    {
        var name = config["name"]!.GetValue<string>();
        var data = config["data"]?.DeepClone() ?? new JsonObject();
        // The id makes a re-sent event (a retried call) one the server stores once.
        var ids = await context.Step.SendEventAsync(DagStepNames.Attempt(node.Id, attempt, "send"),
            new Event(name, data) { Id = $"dag:{context.RunId}:{node.Id}:{attempt}" });
        if (config["waitFor"] is not JsonObject wait)
            return await context.Step.RunAsync(DagStepNames.Attempt(node.Id, attempt), () => Attempt(true, new JsonObject { ["id"] = ids.Count > 0 ? ids[0] : null }, null));
        var waitEvent = wait["event"]!.GetValue<string>();
        var timeout = DagParser.ReadDuration(wait["timeout"]) ?? node.Timeout ?? TimeSpan.FromHours(1);
        var condition = wait["if"]?.GetValue<string>();
        // match (Inngest's form, a path in the event such as data.ticket): the reply's value there equals the sent
        // event's. Written as an expression over the reply (async) with the sent value inlined, because the run's
        // own trigger (event) is the DAG request, not the sent event.
        if (wait["match"]?.GetValue<string>() is { } path)
        {
            var sentEvent = new JsonObject { ["name"] = name, ["data"] = data.DeepClone() };
            var sent = path.Split('.').Aggregate((JsonNode?)sentEvent, (n, key) => n is JsonObject o ? o[key] : null);
            var match = $"async.{path} == {sent?.ToJsonString() ?? "null"}";
            condition = condition is null ? match : $"({condition}) && {match}";
        }
        var reply = await context.Step.WaitForEventAsync(DagStepNames.Attempt(node.Id, attempt, "wait"), new WaitForEventOptions(waitEvent, timeout) { If = condition });
        var output = new JsonObject { ["id"] = ids.Count > 0 ? ids[0] : null, ["reply"] = reply is null ? null : new JsonObject { ["id"] = reply.Id, ["name"] = reply.Name, ["data"] = reply.Data?.DeepClone() } };
        return await context.Step.RunAsync(DagStepNames.Attempt(node.Id, attempt), () => reply is null
            ? Attempt(false, output, $"timed out after {Protocol.TimeString.Format(timeout)} waiting for {waitEvent}")
            : Attempt(true, output, null));
    }

    private static async Task<JsonNode?> InvokeAsync(FunctionContext<JsonObject> context, DagNode node, int attempt, string functionId, JsonNode? data, TimeSpan? timeout)
    {
        try
        {
            return await context.Step.InvokeAsync<JsonNode?>(DagStepNames.Attempt(node.Id, attempt), FunctionRef.ById(functionId), data?.DeepClone(), timeout);
        }
        catch (StepFailedException e)
        {
            var hint = e.Message.Contains("not registered", StringComparison.Ordinal) && node.Handler == DagHandler.Shell
                ? $" (no worker of role {node.Role} allows shell: run `yard worker --role {node.Role} --allow-shell`, or `yard dev --roles {node.Role}`)"
                : "";
            return Attempt(false, null, e.Message + hint);
        }
    }

    private JsonObject ShellRequest(FunctionContext<JsonObject> context, DagNode node, JsonObject config, IReadOnlyDictionary<string, JsonNode?> outputs)
    {
        var env = new JsonObject();
        foreach (var dep in node.DependsOn)
            env[DagEnvironment.DependencyVariable(dep)] = DagTemplate.AsText(outputs.GetValueOrDefault(dep));
        if (config["env"] is JsonObject given)
            foreach (var (name, value) in given) env[name] = value?.DeepClone();
        return new JsonObject
        {
            ["dagRunId"] = context.RunId,
            ["node"] = node.Id,
            ["command"] = config["command"]!.GetValue<string>(),
            ["env"] = env,
            ["cwd"] = config["cwd"]?.DeepClone(),
            ["timeoutMs"] = (long)(node.Timeout ?? DefaultShellTimeout).TotalMilliseconds,
            ["maxOutputBytes"] = config["maxOutputBytes"]?.DeepClone() ?? DefaultMaxOutputBytes,
        };
    }

    /// <summary>The value of an attempt the orchestrator ran itself.</summary>
    private static JsonObject Attempt(bool ok, JsonNode? output, string? error)
    {
        var value = new JsonObject { [DagStepNames.AttemptMarker] = true, ["ok"] = ok, ["output"] = output };
        if (error is not null) value["error"] = error;
        return value;
    }

    /// <summary>Marks an attempt that was its one step alone (see <see cref="DagStepNames.WholeAttempt"/>).</summary>
    private static JsonNode Whole(JsonNode attempt)
    {
        attempt[DagStepNames.WholeAttempt] = true;
        return attempt;
    }

    private static int[]? Expected(JsonNode? expect) => expect switch
    {
        JsonValue v => [v.GetValue<int>()],
        JsonArray a => a.Select(x => x!.GetValue<int>()).ToArray(),
        _ => null,
    };

    private static bool IsJson(MediaTypeHeaderValue? type) =>
        type?.MediaType is { } m && (m.Equals("application/json", StringComparison.OrdinalIgnoreCase) || m.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private static JsonNode? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

}
