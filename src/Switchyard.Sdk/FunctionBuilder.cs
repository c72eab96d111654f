using Switchyard.Protocol.Functions;
using Switchyard.Sdk.Hosting;

namespace Switchyard.Sdk;

/// <summary>Describes a function in <see cref="SwitchyardFunction.Configure(FunctionBuilder)"/>: its id, name,
/// triggers and retries.</summary>
public sealed class FunctionBuilder
{
    private readonly List<TriggerConfig> _triggers = [];
    private string? _id;
    private string? _name;
    private int? _retries;

    internal FunctionBuilder()
    {
    }

    /// <summary>Sets the function id, unique within the app (e.g. <c>signup-flow</c>). Required.</summary>
    public FunctionBuilder Id(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        _id = id;
        return this;
    }

    /// <summary>Sets the display name; the id when not set.</summary>
    public FunctionBuilder Name(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _name = name;
        return this;
    }

    /// <summary>Triggers the function on an event.</summary>
    /// <param name="eventName">Exact event name, or a prefix wildcard such as <c>app/*</c>.</param>
    /// <param name="expression">Optional CEL condition over <c>event</c>, e.g. <c>event.data.plan == 'pro'</c>.</param>
    public FunctionBuilder OnEvent(string eventName, string? expression = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        _triggers.Add(new TriggerConfig { Event = eventName, Expression = expression });
        return this;
    }

    /// <summary>Triggers the function on a cron schedule, e.g. <c>0 * * * *</c> or <c>TZ=Europe/Paris 0 9 * * *</c>.</summary>
    public FunctionBuilder OnCron(string cron)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cron);
        _triggers.Add(new TriggerConfig { Cron = cron });
        return this;
    }

    /// <summary>Sets how many times a failing step or function is retried (0–20). The server's default applies when
    /// not set.</summary>
    public FunctionBuilder Retries(int retries)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retries);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(retries, FunctionConfig.MaxRetries);
        _retries = retries;
        return this;
    }

    /// <summary>The function as configured. Flow-control settings (concurrency, throttle, …) are meant to be added
    /// as further builder methods setting the matching <see cref="FunctionConfig"/> fields here.</summary>
    internal FunctionDefinition Build(Type type)
    {
        if (_id is null)
            throw new InvalidOperationException($"{type.Name}.Configure must set an id with FunctionBuilder.Id(…).");
        var config = new FunctionConfig { Id = _id, Name = _name ?? _id, Triggers = _triggers.ToArray() };
        return new FunctionDefinition(type, config, _retries);
    }
}
