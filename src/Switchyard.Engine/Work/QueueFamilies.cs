using Switchyard.Configuration;
using Switchyard.Engine.Errors;

namespace Switchyard.Engine.Work;

/// <summary>The declared work-queue families (<c>[queue.families.NAME]</c>) and the queue's aging setting. Invalid
/// families are refused when the engine starts, also for hosts that build <see cref="ServerOptions"/> in code.</summary>
public sealed class QueueFamilies(ServerOptions options)
{
    private readonly ServerOptions _options = options.Queue.Problems() is { Count: > 0 } problems
        ? throw new InvalidDataException(string.Join(Environment.NewLine, problems))
        : options;

    /// <summary>How long a P2/P3 item waits before it counts one level higher.</summary>
    public TimeSpan AgeAfter => _options.Queue.AgeAfter;

    /// <summary>How long done and failed items are kept.</summary>
    public TimeSpan Retention => _options.Queue.Retention;

    /// <summary>The family names, in ordinal order.</summary>
    public IReadOnlyList<string> Names { get; } = options.Queue.Families.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>A family's settings, or null when it is not declared.</summary>
    public QueueFamilyOptions? Find(string family) => _options.Queue.Families.GetValueOrDefault(family);

    /// <summary>The refusal for an undeclared family, listing the declared ones.</summary>
    public EngineError Unknown(string family) => EngineError.Invalid("unknown_family", Names.Count == 0
        ? $"unknown queue family '{family}': no families are declared (add [queue.families.NAME] to yard.toml)"
        : $"unknown queue family '{family}'; known families: {string.Join(", ", Names)}");

    /// <summary>What a family's handler targets: the event name, the pipeline or the URL.</summary>
    public static string? Target(QueueFamilyOptions family) => family.Handler switch
    {
        QueueHandlerKind.Event => family.Event,
        QueueHandlerKind.Pipeline => family.Pipeline,
        QueueHandlerKind.Http => $"{family.Method.ToUpperInvariant()} {family.Url}",
        _ => null,
    };

    /// <summary>The wire name of a handler kind.</summary>
    public static string? HandlerName(QueueFamilyOptions family) => family.Handler?.ToString().ToLowerInvariant();
}
