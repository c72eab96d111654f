using Switchyard.Sdk.Hosting;

namespace Switchyard.Sdk;

/// <summary>The function <see cref="StepTools.Invoke{TResult}(string, FunctionRef, object?, TimeSpan?)"/> runs. A
/// plain string is a function of this app, by the id set with <see cref="FunctionBuilder.Id(string)"/>; use
/// <see cref="ById(string)"/> for a function of any other app, whatever its language.</summary>
public sealed record FunctionRef
{
    private readonly string? _localId;
    private readonly string? _fullId;

    private FunctionRef(string? localId, string? fullId)
    {
        _localId = localId;
        _fullId = fullId;
    }

    /// <summary>A function of this app, by its own id (e.g. <c>send-report</c>).</summary>
    public static FunctionRef Local(string functionId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(functionId);
        return new FunctionRef(functionId, null);
    }

    /// <summary>A function of any app by the full id it is registered under, <c>&lt;app id&gt;-&lt;function id&gt;</c>,
    /// as <c>yard functions</c> lists it (e.g. <c>billing-js-charge-card</c> for function <c>charge-card</c> of the
    /// JS app <c>billing-js</c>).</summary>
    public static FunctionRef ById(string fullId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fullId);
        return new FunctionRef(null, fullId);
    }

    /// <summary>A function of this app, by its own id.</summary>
    public static implicit operator FunctionRef(string functionId) => Local(functionId);

    /// <summary>The registered id, given the invoking app's id.</summary>
    internal string Resolve(string appId) => _fullId ?? FunctionDefinition.CompositeId(appId, _localId!);

    /// <inheritdoc />
    public override string ToString() => _fullId ?? _localId!;
}
