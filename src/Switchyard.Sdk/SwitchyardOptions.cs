using Switchyard.Sdk.Serialization;

namespace Switchyard.Sdk;

/// <summary>Settings of a Switchyard app: who it is, where the server is, and where its functions are served.</summary>
public sealed class SwitchyardOptions
{
    /// <summary>The app id. Function ids are registered as <c>&lt;AppId&gt;-&lt;function id&gt;</c>, with or without a
    /// <see cref="Role"/>. Required.</summary>
    public string AppId { get; set; } = "";

    /// <summary>The role this instance runs in (e.g. <c>host</c> or <c>cluster</c>): it then serves only the functions
    /// that declare the role with <see cref="FunctionBuilder.Roles(string[])"/> and those that declare none, and
    /// registers as <c>&lt;AppId&gt;-&lt;Role&gt;</c> (see <see cref="RegisteredAppId"/>). Function ids keep the plain
    /// <see cref="AppId"/> prefix, so one function has one id whichever role serves it. Null serves every function
    /// under <see cref="AppId"/>. Defaults to the <c>SWITCHYARD_ROLE</c> environment variable. A role that no
    /// function declares (or that is not in <see cref="AllowedRoles"/>) fails at startup.</summary>
    public string? Role { get; set; }

    /// <summary>The roles this app may run in. When empty, the roles its functions declare. When set, a function
    /// declaring another role fails at startup (catches typos), and a listed role may have no functions.</summary>
    public IList<string> AllowedRoles { get; } = [];

    /// <summary>The app id registered with the server: <see cref="AppId"/>, or <c>&lt;AppId&gt;-&lt;Role&gt;</c> when a
    /// <see cref="Role"/> is set.</summary>
    public string RegisteredAppId => string.IsNullOrEmpty(Role) ? AppId : $"{AppId}-{Role}";

    /// <summary>Base URL of the Switchyard server (registration and events). Defaults to <c>http://127.0.0.1:8288</c>.</summary>
    public Uri ServerUrl { get; set; } = new("http://127.0.0.1:8288");

    /// <summary>Event key used in <c>POST /e/{key}</c>; <c>NO_EVENT_KEY_SET</c> is sent when empty (dev mode).
    /// Defaults to the <c>SWITCHYARD_EVENT_KEY</c> environment variable.</summary>
    public string? EventKey { get; set; }

    /// <summary>Key shared with the server (<c>signkey-&lt;env&gt;-&lt;hex&gt;</c>). When set, the app runs in cloud
    /// mode: requests from the server must carry a valid <c>X-Inngest-Signature</c> (else 401), and registration
    /// presents the key's hash as bearer token. When empty, nothing is verified (dev mode). Defaults to the
    /// <c>SWITCHYARD_SIGNING_KEY</c> environment variable.</summary>
    public string? SigningKey { get; set; }

    /// <summary>The previous signing key, still accepted while keys are rotated. Defaults to the
    /// <c>SWITCHYARD_SIGNING_KEY_FALLBACK</c> environment variable.</summary>
    public string? SigningKeyFallback { get; set; }

    /// <summary>Path the functions are served at by <c>MapSwitchyard</c>. Defaults to <c>/api/switchyard</c>.</summary>
    public string ServePath { get; set; } = "/api/switchyard";

    /// <summary>Public origin (<c>scheme://host:port</c>) the server should call back, when it differs from what the
    /// sync request shows (proxies, containers). <see cref="ServePath"/> is appended to it.</summary>
    public Uri? ServeOrigin { get; set; }

    /// <summary>Checkpointing: how long one call may keep running a function's steps one after another before it
    /// answers. Within this budget, a step that the function reaches alone runs, its result goes straight back to the
    /// function, and the call goes on to the next step; the server then stores all of that call's steps in one
    /// commit. That saves an HTTP round trip and a commit per step. The trade-off: if the app process dies mid-call,
    /// the steps that call had finished run again on retry (steps are at-least-once in any case). A step that starts
    /// before the budget is spent always finishes. <see cref="TimeSpan.Zero"/> turns checkpointing off: one step per
    /// call, each result stored before the next step starts. Defaults to 1 s.</summary>
    public TimeSpan CheckpointBudget { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a call asking for one step by hash may replay before it answers "step not found".
    /// Fixed at 10 s by the protocol; settable here only so tests need not wait.</summary>
    internal TimeSpan StepNotFoundTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Serializes event data, step results, invoke data and results, and function results. Defaults to
    /// <see cref="SystemTextJsonSerializer"/> with the web defaults; use
    /// <c>new SystemTextJsonSerializer(AppJsonContext.Default)</c> for a source-generated context.</summary>
    public ISwitchyardSerializer Serializer { get; set; } = new SystemTextJsonSerializer();

    /// <summary>Registers the app with the server (<c>POST {ServerUrl}/fn/register</c>) once the host listens,
    /// retrying with backoff (1 s doubling to 30 s) until the server answers, so the app need not wait for a
    /// <c>PUT</c> from <c>yard dev</c> or a supervisor. The URL registered is <see cref="ServeOrigin"/> (or the first
    /// address the host listens on) plus <see cref="ServePath"/>. Off by default; <c>SWITCHYARD_SYNC_ON_START</c>.</summary>
    public bool SyncOnStart { get; set; }
}
