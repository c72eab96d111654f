namespace Switchyard.Engine.Errors;

/// <summary>A refusal by the engine: a stable machine-readable code and a message naming the offending field. Engine
/// services return it (they know nothing of HTTP); <c>Switchyard.Server</c>'s API maps <see cref="Kind"/> to a status
/// and answers <c>{"error":{"code","message"}}</c>.</summary>
/// <param name="Kind">What kind of refusal this is.</param>
/// <param name="Code">Stable machine-readable code, e.g. <c>invalid_name</c>.</param>
/// <param name="Message">Human explanation naming the field.</param>
public sealed record EngineError(EngineErrorKind Kind, string Code, string Message)
{
    /// <summary>Malformed input.</summary>
    public static EngineError Invalid(string code, string message) => new(EngineErrorKind.Invalid, code, message);

    /// <summary>Something asked for does not exist (code <c>not_found</c>).</summary>
    public static EngineError NotFound(string message) => new(EngineErrorKind.NotFound, "not_found", message);

    /// <summary>The request conflicts with the current state.</summary>
    public static EngineError Conflict(string code, string message) => new(EngineErrorKind.Conflict, code, message);
}
