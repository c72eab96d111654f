using Switchyard.Protocol.Functions;

namespace Switchyard.Engine.Model;

/// <summary>A registered function and the app that owns it.</summary>
/// <param name="Id">Composite id <c>&lt;app&gt;-&lt;fn&gt;</c>.</param>
/// <param name="AppId">Owning app.</param>
/// <param name="Config">The configuration as registered.</param>
/// <param name="Paused">Paused functions get no new runs.</param>
/// <param name="UpdatedAt">Last registration, Unix ms.</param>
public sealed record FunctionRecord(string Id, string AppId, FunctionConfig Config, bool Paused, long UpdatedAt)
{
    private FlowControlSpec? _flow;

    /// <summary>Parsed flow-control settings (validated at registration).</summary>
    public FlowControlSpec Flow => _flow ??= FlowControlSpec.Parse(Config, out _);

    /// <summary>Display name.</summary>
    public string Name => Config.Name ?? Id;
}
