using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Switchyard.Protocol;
using Switchyard.Protocol.Functions;
using Switchyard.Engine.Errors;
using Switchyard.Engine.Expressions;
using Switchyard.Engine.Storage;
using Switchyard.Engine.Model;

namespace Switchyard.Engine.Registry;

/// <summary>Handles <c>POST /fn/register</c>: validates an app's registration and makes its function set the
/// app's whole set. Functions the app no longer has disappear; other apps' functions are never touched.</summary>
public sealed class AppRegistration(IStore store, FunctionRegistry registry, ExpressionEvaluator expressions, Switchyard.Engine.Telemetry.TelemetrySink telemetry, AppUrlPolicy urlPolicy)
{
    /// <summary>Result of a registration.</summary>
    public sealed record Outcome(bool Modified, string AppId, IReadOnlyList<string> Removed);

    /// <summary>Validates and stores a registration.</summary>
    public async Task<(Outcome? Outcome, EngineError? Error)> RegisterAsync(RegisterRequest request, CancellationToken cancellationToken)
    {
        var error = Validate(request);
        if (error is not null) return (null, error);
        var url = StripDeployId(request.Url);
        var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request with { DeployId = null, Url = url }, ProtocolJson.Options))));
        var functions = request.Functions.Select(f => f with
        {
            Steps = f.Steps.ToDictionary(kv => kv.Key, kv => kv.Value with { Runtime = kv.Value.Runtime with { Url = StripDeployId(kv.Value.Runtime.Url) } }),
        }).ToList();
        var outcome = await store.WriteAsync(tx =>
        {
            var existing = registry.Current.App(request.AppName);
            if (existing is not null && existing.Checksum == checksum)
            {
                tx.UpsertApp(existing with { SyncedAt = tx.Now });
                return new Outcome(false, request.AppName, []);
            }
            tx.UpsertApp(new AppRecord(request.AppName, url, request.Sdk, request.Framework, checksum, tx.Now, existing?.CreatedAt ?? tx.Now, functions.Count));
            if (request.Role is { } role) tx.KvPut(AppRole.Namespace, request.AppName, role, null);
            else tx.KvDelete(AppRole.Namespace, request.AppName);
            var removed = tx.ReplaceFunctions(request.AppName, functions.Select(f => new FunctionRecord(f.Id, request.AppName, f, false, tx.Now)).ToList());
            telemetry.AppSynced(tx, request.AppName, url, functions.Select(f => f.Id).ToList(), removed);
            return new Outcome(true, request.AppName, removed);
        }, cancellationToken);
        await registry.ReloadAsync(cancellationToken);
        return (outcome, null);
    }

    private EngineError? Validate(RegisterRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.AppName)) return EngineError.Invalid("invalid_app", "appName is required");
        if (request.AppName.Length > 256) return EngineError.Invalid("invalid_app", "appName is longer than 256 characters");
        if (!IsHttpUrl(request.Url)) return EngineError.Invalid("invalid_url", "url must be an absolute http:// or https:// URL");
        if (urlPolicy.Problem(request.Url) is { } urlRefused) return EngineError.Invalid("invalid_url", $"url {urlRefused}");
        if (AppRole.Problem(request.AppName, request.Role) is { } roleProblem) return EngineError.Invalid("invalid_role", roleProblem);
        // JSON null binds to these non-nullable members; without the checks they fail later as a 500.
        if (request.Functions is null) return EngineError.Invalid("invalid_functions", "functions must be an array (send [] for none)");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < request.Functions.Count; i++)
        {
            var f = request.Functions[i];
            var at = $"functions[{i}]";
            if (f is null) return EngineError.Invalid("invalid_function", $"{at} must be a function object");
            if (string.IsNullOrWhiteSpace(f.Id)) return EngineError.Invalid("invalid_function", $"{at}.id is required");
            if (!seen.Add(f.Id)) return EngineError.Invalid("invalid_function", $"{at}.id '{f.Id}' is registered twice");
            if (f.Triggers is null || f.Triggers.Any(t => t is null)) return EngineError.Invalid("invalid_trigger", $"{at}.triggers of '{f.Id}' must be an array of trigger objects");
            if (f.Steps is null || f.Steps.Count == 0) return EngineError.Invalid("invalid_function", $"{at}.steps of '{f.Id}' must hold a step");
            // A file: or ftp: step URL can never be called, so the queue would retry it forever.
            foreach (var (stepName, step) in f.Steps)
                if (step?.Runtime is null || !IsHttpUrl(step.Runtime.Url))
                    return EngineError.Invalid("invalid_function", $"{at}.steps.{stepName}.runtime.url of '{f.Id}' must be an absolute http:// or https:// URL");
                else if (urlPolicy.Problem(step.Runtime.Url) is { } stepRefused)
                    return EngineError.Invalid("invalid_function", $"{at}.steps.{stepName}.runtime.url of '{f.Id}': {stepRefused}");
            FlowControlSpec.Parse(f, out var flowError);
            if (flowError is not null) return EngineError.Invalid("invalid_flow_control", $"{at} '{f.Id}': {flowError}");
            var flow = FlowControlSpec.Parse(f, out _);
            foreach (var (name, expression) in FlowExpressions(flow))
                if (!expressions.TryCompile(expression, out var bad))
                    return EngineError.Invalid("invalid_expression", $"{at} '{f.Id}': {name} `{expression}` does not parse: {bad}");
            for (var t = 0; t < f.Triggers.Count; t++)
            {
                var trigger = f.Triggers[t];
                if (string.IsNullOrWhiteSpace(trigger.Event) && string.IsNullOrWhiteSpace(trigger.Cron))
                    return EngineError.Invalid("invalid_trigger", $"{at}.triggers[{t}] of '{f.Id}' needs an event or a cron");
                if (!string.IsNullOrWhiteSpace(trigger.Cron) && CronSchedule.TryParse(trigger.Cron, out var cronError) is null)
                    return EngineError.Invalid("invalid_cron", $"{at}.triggers[{t}].cron of '{f.Id}' is not valid: {cronError}");
                if (!string.IsNullOrWhiteSpace(trigger.Expression) && !expressions.TryCompile(trigger.Expression, out var why))
                    return EngineError.Invalid("invalid_expression", $"{at}.triggers[{t}].expression of '{f.Id}' does not parse: {why}");
            }
        }
        return null;
    }

    private static IEnumerable<(string Name, string Expression)> FlowExpressions(FlowControlSpec f)
    {
        foreach (var c in f.Concurrency) if (c.Key is not null) yield return ("concurrency.key", c.Key);
        if (f.Throttle?.Key is { } tk) yield return ("throttle.key", tk);
        if (f.RateLimit?.Key is { } rk) yield return ("rateLimit.key", rk);
        if (f.Debounce?.Key is { } dk) yield return ("debounce.key", dk);
        if (f.Batch?.Key is { } bk) yield return ("batchEvents.key", bk);
        if (f.Batch?.If is { } bi) yield return ("batchEvents.if", bi);
        if (f.Priority is { } p) yield return ("priority.run", p);
        if (f.Idempotency is { } i) yield return ("idempotency", i);
        if (f.Singleton?.Key is { } sk) yield return ("singleton.key", sk);
        foreach (var c in f.Cancel) if (c.If is not null) yield return ("cancel.if", c.If);
    }

    private static bool IsHttpUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && !string.IsNullOrEmpty(uri.Host);

    /// <summary>SDKs leave <c>?deployId=</c> in URLs after a deploy-triggered sync; it must not be stored.</summary>
    internal static string StripDeployId(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Query)) return url;
        var kept = uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !p.StartsWith("deployId=", StringComparison.Ordinal)).ToList();
        var builder = new UriBuilder(uri) { Query = string.Join("&", kept) };
        return builder.Uri.ToString();
    }
}
