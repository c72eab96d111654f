
namespace Switchyard.Configuration;

/// <summary>A provider declared in configuration (<c>[webhooks.providers.NAME]</c>): any service that signs its
/// deliveries with an HMAC of the body (and optionally a timestamp).</summary>
public sealed class GenericWebhookOptions
{
    /// <summary>HMAC key. Without it every delivery is rejected.</summary>
    public string Secret { get; set; } = "";
    /// <summary>Header carrying the signature, e.g. <c>X-Vercel-Signature</c>.</summary>
    public string Header { get; set; } = "";
    /// <summary><c>sha256</c> (default), <c>sha1</c> or <c>sha512</c>.</summary>
    public string Algorithm { get; set; } = "sha256";
    /// <summary><c>hex</c> (default) or <c>base64</c>.</summary>
    public string Encoding { get; set; } = "hex";
    /// <summary>Text before the signature in the header, e.g. <c>sha256=</c>.</summary>
    public string Prefix { get; set; } = "";
    /// <summary>Header carrying the signed Unix timestamp (seconds or milliseconds); when set, deliveries outside
    /// the timestamp tolerance are rejected.</summary>
    public string TimestampHeader { get; set; } = "";
    /// <summary>What is signed: a template over <c>{timestamp}</c> and <c>{body}</c> (the raw bytes), e.g.
    /// <c>{timestamp}:{body}</c>. Default <c>{body}</c>.</summary>
    public string Signed { get; set; } = "{body}";
    /// <summary>Event name (after <c>NAME/</c>): a template over payload paths and headers, e.g. <c>{type}</c>,
    /// <c>deploy.{payload.state}</c>, <c>{header:X-Event-Type}</c>. Default <c>{type}</c>.</summary>
    public string Event { get; set; } = "{type}";
    /// <summary>Header carrying the delivery id (used as the event id, so redeliveries are stored once).</summary>
    public string IdHeader { get; set; } = "";
    /// <summary>Payload path of the delivery id (dotted, e.g. <c>id</c> or <c>meta.delivery</c>), when no header has it.</summary>
    public string IdPath { get; set; } = "";
}
