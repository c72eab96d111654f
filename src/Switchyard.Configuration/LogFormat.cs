namespace Switchyard.Configuration;

/// <summary>How the server writes its console log (<c>log_format</c>).</summary>
public enum LogFormat
{
    /// <summary>One readable line per entry (under systemd, the journald format with syslog priorities).</summary>
    Text,
    /// <summary>One JSON object per line (Microsoft.Extensions.Logging's JSON console formatter), for log shippers.</summary>
    Json,
}
