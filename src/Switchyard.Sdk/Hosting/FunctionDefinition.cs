using Switchyard.Protocol.Events;
using Switchyard.Protocol.Functions;

namespace Switchyard.Sdk.Hosting;

/// <summary>A configured function: its class and its config with the SDK-local id (the composite id and the call
/// URL are only known once the app id and serve URL are).</summary>
internal sealed record FunctionDefinition(Type Type, FunctionConfig Config, int? Retries)
{
    public string LocalId => Config.Id;

    public bool HasCron => Config.Triggers.Any(t => t.Cron is not null);

    /// <summary>True for the <c>&lt;id&gt;-failure</c> function that runs <c>OnFailureAsync</c> of <see cref="Type"/>.</summary>
    public bool IsFailureHandler { get; init; }

    /// <summary>The roles the function runs in; empty = every role.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>Whether an app started in <paramref name="role"/> (null = no role) serves the function.</summary>
    public bool RunsIn(string? role) => role is null || Roles.Count == 0 || Roles.Contains(role, StringComparer.Ordinal);

    public static string CompositeId(string appId, string localId) => $"{appId}-{localId}";

    /// <summary>The failure handler of this function, as Inngest defines it: id <c>&lt;id&gt;-failure</c>, triggered by
    /// <c>inngest/function.failed</c> for this function's composite id, retried once.</summary>
    public FunctionDefinition FailureHandler(string appId) => this with
    {
        IsFailureHandler = true,
        Retries = 1,
        Config = new FunctionConfig
        {
            Id = $"{LocalId}-failure",
            Name = $"{Config.Name} (failure)",
            Triggers = [new TriggerConfig { Event = InternalEvents.FunctionFailed, Expression = $"event.data.function_id == '{CompositeId(appId, LocalId)}'" }],
        },
    };

    /// <summary>The config as registered: composite id and the single <c>step</c> entry pointing at the serve URL.</summary>
    public FunctionConfig ToConfig(string appId, string serveUrl)
    {
        var id = CompositeId(appId, LocalId);
        var separator = serveUrl.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        var step = new StepConfig
        {
            Runtime = new StepRuntime { Url = $"{serveUrl}{separator}fnId={Uri.EscapeDataString(id)}&stepId=step" },
            Retries = Retries is { } r ? new RetryConfig { Attempts = r } : null,
        };
        return Config with { Id = id, Steps = new Dictionary<string, StepConfig> { ["step"] = step } };
    }

    /// <summary>Whether a run may carry an event of this name: it must match a trigger (exactly or by a
    /// <c>prefix*</c> wildcard), unless it is an event the server itself starts runs with.</summary>
    public bool Accepts(string? eventName)
    {
        if (eventName is InternalEvents.FunctionInvoked or InternalEvents.FunctionFailed) return true;
        if (eventName == InternalEvents.ScheduledTimer && HasCron) return true;
        if (eventName is null) return false;
        foreach (var trigger in Config.Triggers)
        {
            if (trigger.Event is not { } pattern) continue;
            if (pattern == eventName) return true;
            if (pattern.EndsWith('*') && eventName.StartsWith(pattern[..^1], StringComparison.Ordinal)) return true;
        }
        return false;
    }
}
