using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchyard.Protocol;
using Switchyard.Protocol.Calls;
using Switchyard.Protocol.Steps;
using Switchyard.Sdk.Execution;

namespace Switchyard.Sdk.Hosting;

/// <summary>The serve endpoint: <c>GET</c> introspection, <c>PUT</c> sync, <c>POST</c> function calls.</summary>
internal sealed class ServeEndpoint(
    FunctionRegistry registry,
    AppSync sync,
    RequestVerifier verifier,
    SwitchyardClient client,
    IServiceScopeFactory scopes,
    ILoggerFactory loggers,
    IOptions<SwitchyardOptions> options,
    TimeProvider time)
{
    private readonly ILogger _logger = loggers.CreateLogger<ServeEndpoint>();

    public async Task HandleAsync(HttpContext context)
    {
        var aborted = context.RequestAborted;
        SdkResponse response;
        try
        {
            var body = await ReadBodyAsync(context.Request, aborted);
            // Every method passes the verifier first, so that signing can be slotted in without touching the rest.
            if (!verifier.IsAuthentic(context.Request, body)) response = SdkResponse.Unauthorized();
            else if (HttpMethods.IsGet(context.Request.Method)) response = new SdkResponse(200, Introspection.Describe(options.Value, registry.Count));
            else if (HttpMethods.IsPut(context.Request.Method)) response = await sync.SyncAsync(context.Request, body, aborted);
            else if (HttpMethods.IsPost(context.Request.Method)) response = await CallAsync(context.Request, body, aborted);
            else response = new SdkResponse(405, new JsonObject { ["message"] = "Method not allowed" });
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            // Still answer in protocol form, so the server retries instead of taking a bare 500 for "not an SDK".
            _logger.LogError(e, "Switchyard request failed");
            response = SdkResponse.Internal(e.Message);
        }
        await response.WriteAsync(context.Response, aborted);
    }

    private Task<SdkResponse> CallAsync(HttpRequest http, byte[] body, CancellationToken aborted)
    {
        // As the JS SDK: a call without a body is treated as unauthenticated.
        if (body.Length == 0) return Task.FromResult(SdkResponse.Unauthorized());
        if (http.Query["probe"] == "trust") return Task.FromResult(new SdkResponse(200, null) { HasBody = false });
        return CallAsync(http.Query["fnId"].ToString(), http.Query["stepId"].ToString(), body, aborted);
    }

    /// <summary>One function call, after the transport: <paramref name="body"/> is the server's request. The HTTP
    /// endpoint and the test host (<c>Switchyard.Sdk.Testing</c>) both enter here, so a unit test runs the same replay
    /// code as a served app.</summary>
    internal async Task<SdkResponse> CallAsync(string fnId, string stepId, byte[] body, CancellationToken aborted)
    {

        JsonObject root;
        CallRequest request;
        try
        {
            root = JsonNode.Parse(body) as JsonObject ?? throw new JsonException("The body is not a JSON object.");
            if (root["event"] is not JsonObject) throw new JsonException("\"event\" must be a JSON object.");
            request = root.Deserialize<CallRequest>(ProtocolJson.Options) ?? throw new JsonException("Empty request.");
            if (request.Version == 0) throw new JsonException("Version 0 is not supported.");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return SdkResponse.Internal($"Failed to parse data from executor: {e.Message}");
        }

        if (registry.Find(fnId) is not { } definition)
            return SdkResponse.Internal($"Function \"{fnId}\" was not found in this app; is the app synced correctly?");

        IReadOnlyList<JsonNode?> events = request.Events.Count > 0 ? request.Events.ToArray() : [request.Event];
        foreach (var e in events)
        {
            var name = SerializedError.Text(e?["name"]);
            if (!definition.Accepts(name))
            {
                var error = SerializedError.Create("EventValidationError", $"Event not found in triggers: {name}", "");
                return new SdkResponse(400, error).WithRetryHeaders(true, null);
            }
        }

        var target = stepId is "" or StepId.Discovery ? null : stepId;
        // Without max_attempts no attempt may be called final: the server then decides alone when to give up.
        var maxAttempts = root["ctx"]?["max_attempts"] is null ? int.MaxValue : request.Ctx.MaxAttempts;
        var settings = options.Value;
        var call = new CallExecution(request.Steps, target, request.Ctx.Attempt, maxAttempts, request.Ctx.DisableImmediateExecution, settings.StepNotFoundTimeout,
            settings.CheckpointBudget, settings.Serializer, time);

        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        await using var scope = scopes.CreateAsyncScope();
        try
        {
            SwitchyardFunction function;
            try
            {
                function = (SwitchyardFunction)scope.ServiceProvider.GetRequiredService(definition.Type);
            }
            catch (InvalidOperationException e)
            {
                return SdkResponse.FunctionError(e, final: false);
            }
            var logger = new ReplayAwareLogger(loggers.CreateLogger(definition.Type), () => call.IsReplaying);
            var run = new RunInfo(request.Event, events, request.Ctx.RunId, request.Ctx.Attempt,
                new StepTools(call, settings.AppId, client, settings.Serializer), logger, settings.Serializer, cancellation.Token);
            var response = await call.RunAsync(() => definition.IsFailureHandler ? function.ExecuteFailureAsync(run) : function.ExecuteAsync(run), cancellation.Token);
            if (response.Status >= 400) _logger.LogWarning("Function {FunctionId} run {RunId} answered {Status}: {Body}", fnId, request.Ctx.RunId, response.Status, response.Body?.ToJsonString());
            return response;
        }
        finally
        {
            // Code still running for this call (I/O started beside pending steps) must stop now.
            await cancellation.CancelAsync();
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }
}
