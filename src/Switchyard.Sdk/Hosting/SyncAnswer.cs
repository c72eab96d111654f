namespace Switchyard.Sdk.Hosting;

/// <summary>The server's answer to a registration.</summary>
/// <param name="Status">The reply's <c>status</c> field (what the <c>PUT</c> answer carries, as in the JS SDK), else
/// 200; 500 when the reply is not JSON.</param>
/// <param name="Message">The server's error, or <c>Successfully registered</c>.</param>
/// <param name="Modified">Whether the function set changed.</param>
/// <param name="HttpStatus">The HTTP status of the reply.</param>
internal sealed record SyncAnswer(int Status, string Message, bool Modified, int HttpStatus)
{
    /// <summary>Registered: neither the reply nor its HTTP status says otherwise.</summary>
    public bool Ok => Status < 300 && HttpStatus < 300;

    /// <summary>A server-side failure (starting, overloaded, behind a proxy that cannot reach it): worth retrying.</summary>
    public bool IsTransient => Status >= 500 || HttpStatus >= 500;
}
