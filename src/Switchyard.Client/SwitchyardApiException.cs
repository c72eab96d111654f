namespace Switchyard.Client;

/// <summary>The server answered a call with an error: its HTTP status and the <c>{"error":{"code","message"}}</c> of
/// the body (or a code made from the status when the body has none).</summary>
public sealed class SwitchyardApiException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SwitchyardApiException(int status, string code, string message) : base(message)
    {
        Status = status;
        Code = code;
    }

    /// <summary>Creates an exception without a status (for serializers and analyzers; prefer the full constructor).</summary>
    public SwitchyardApiException() : this(0, "unknown", "the Switchyard server answered with an error")
    {
    }

    /// <summary>Creates an exception without a status.</summary>
    public SwitchyardApiException(string message) : this(0, "unknown", message)
    {
    }

    /// <summary>Creates an exception without a status, wrapping another.</summary>
    public SwitchyardApiException(string message, Exception innerException) : base(message, innerException) => Code = "unknown";

    /// <summary>HTTP status of the answer.</summary>
    public int Status { get; }

    /// <summary>Stable machine-readable code, e.g. <c>not_found</c>, <c>unauthorized</c>, <c>invalid_count</c>.</summary>
    public string Code { get; }
}
