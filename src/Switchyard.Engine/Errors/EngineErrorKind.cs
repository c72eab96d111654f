namespace Switchyard.Engine.Errors;

/// <summary>What kind of refusal an <see cref="EngineError"/> is. Only the HTTP layer turns it into a status code.</summary>
public enum EngineErrorKind
{
    /// <summary>The input is malformed or breaks a limit (HTTP 400).</summary>
    Invalid,
    /// <summary>What was asked for does not exist (HTTP 404).</summary>
    NotFound,
    /// <summary>The request conflicts with the current state, e.g. cancelling a run that already ended (HTTP 409).</summary>
    Conflict,
    /// <summary>The request is larger than a documented limit (HTTP 413).</summary>
    TooLarge,
}
