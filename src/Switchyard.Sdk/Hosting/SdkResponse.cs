using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Switchyard.Protocol;
using Switchyard.Protocol.Calls;
using Switchyard.Sdk.Execution;

namespace Switchyard.Sdk.Hosting;

/// <summary>An answer of the serve endpoint: status, JSON body and protocol headers.</summary>
internal sealed record SdkResponse(int Status, JsonNode? Body)
{
    /// <summary>Extra headers (no-retry, retry-after, sync kind).</summary>
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>False for answers that must not look like they come from an SDK (401, as the JS SDK does).</summary>
    public bool IdentifiesSdk { get; init; } = true;

    /// <summary>False to send no body at all.</summary>
    public bool HasBody { get; init; } = true;

    public static SdkResponse Unauthorized() => new(401, new JsonObject { ["message"] = "Unauthorized" }) { IdentifiesSdk = false };

    public static SdkResponse Ops(IEnumerable<Op> ops, bool? noRetry = null, string? retryAfter = null)
    {
        var array = JsonSerializer.SerializeToNode(ops.ToArray(), ProtocolJson.Options)!.AsArray();
        // The JS SDK always writes "data", null included; keep the same shape.
        foreach (var op in array.OfType<JsonObject>())
            if (!op.ContainsKey("data")) op["data"] = null;
        return new SdkResponse(206, array).WithRetryHeaders(noRetry, retryAfter);
    }

    /// <summary>An SDK-side failure (unknown function, unreadable request): retried by the server.</summary>
    public static SdkResponse Internal(string message)
    {
        var body = SerializedError.Create("Error", message, "");
        body["type"] = "internal";
        return new SdkResponse(500, body);
    }

    /// <summary>A function error: 400 and no retry when final, else 500.</summary>
    public static SdkResponse FunctionError(Exception e, bool final)
    {
        var retryAfter = final ? null : RetryAfterValue(e);
        return new SdkResponse(final ? 400 : 500, SerializedError.From(e)).WithRetryHeaders(final, retryAfter);
    }

    /// <summary>The <c>retry-after</c> value an exception asks for: whole seconds, or an ISO instant.</summary>
    public static string? RetryAfterValue(Exception e) => e switch
    {
        RetryAfterException { RetryAt: { } at } => IsoInstant.Format(at),
        RetryAfterException { Delay: { } delay } => Math.Max(1, (long)Math.Ceiling(delay.TotalSeconds)).ToString(CultureInfo.InvariantCulture),
        _ => null,
    };

    public SdkResponse WithRetryHeaders(bool? noRetry, string? retryAfter)
    {
        if (noRetry is { } n) Headers[Protocol.Headers.NoRetry] = n ? "true" : "false";
        if (retryAfter is not null) Headers[Protocol.Headers.RetryAfter] = retryAfter;
        return this;
    }

    public async Task WriteAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        response.StatusCode = Status;
        response.Headers["x-inngest-sdk-handled"] = "true";
        if (IdentifiesSdk)
        {
            response.Headers[Protocol.Headers.Sdk] = SdkInfo.Header;
            response.Headers[Protocol.Headers.RequestVersion] = SdkInfo.RequestVersion;
            response.Headers[Protocol.Headers.Framework] = SdkInfo.Framework;
        }
        foreach (var (name, value) in Headers) response.Headers[name] = value;
        if (!HasBody) return;
        response.ContentType = "application/json";
        var text = Body?.ToJsonString(ProtocolJson.Options) ?? "null";
        await response.WriteAsync(text, cancellationToken);
    }
}
