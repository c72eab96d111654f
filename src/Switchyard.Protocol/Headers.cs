namespace Switchyard.Protocol;

/// <summary>HTTP header names of the SDK protocol (Inngest-compatible).</summary>
public static class Headers
{
    /// <summary>Set by every SDK response; a 2xx without it did not come from an SDK.</summary>
    public const string Sdk = "x-inngest-sdk";
    /// <summary>Request/response protocol version; the SDK answers 2 (optimized parallelism).</summary>
    public const string RequestVersion = "x-inngest-req-version";
    /// <summary>"true" when the failure must not be retried.</summary>
    public const string NoRetry = "x-inngest-no-retry";
    /// <summary>Seconds, or an HTTP/ISO date, before the next attempt.</summary>
    public const string RetryAfter = "retry-after";
    /// <summary>HMAC signature <c>t=&lt;unix&gt;&amp;s=&lt;hex&gt;</c>.</summary>
    public const string Signature = "x-inngest-signature";
    /// <summary>"dev" or "cloud": what kind of server sent the request.</summary>
    public const string ServerKind = "x-inngest-server-kind";
    /// <summary>Echo of <see cref="ServerKind"/> on the SDK's own calls.</summary>
    public const string ExpectedServerKind = "x-inngest-expected-server-kind";
    /// <summary>"out_of_band" or "in_band".</summary>
    public const string SyncKind = "x-inngest-sync-kind";
    /// <summary>Framework name the SDK is served from.</summary>
    public const string Framework = "x-inngest-framework";
    /// <summary>Run id of a call request.</summary>
    public const string RunId = "x-run-id";
    /// <summary>Step id (query value) of a call request.</summary>
    public const string StepId = "x-inngest-step-id";
    /// <summary>Deterministic event-id seed sent by SDKs with events.</summary>
    public const string EventIdSeed = "x-inngest-event-id-seed";
}
