namespace Switchyard.Server.Webhooks;

/// <summary>A verified delivery lacks what its provider needs to name or identify the event (answered 400).</summary>
public sealed class WebhookPayloadException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WebhookPayloadException() { }

    /// <summary>Creates the exception with a message naming the missing field.</summary>
    public WebhookPayloadException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public WebhookPayloadException(string message, Exception innerException) : base(message, innerException) { }
}
