namespace Switchyard.Server.Dashboard;

/// <summary>The dashboard's URLs, built in one place so pages, actions and scripts agree (ids are escaped: event ids
/// may contain <c>/</c>).</summary>
internal static class DashboardLinks
{
    /// <summary>The runs list.</summary>
    public const string Runs = DashboardEndpoints.Prefix + "/runs";
    /// <summary>The events list.</summary>
    public const string Events = DashboardEndpoints.Prefix + "/events";
    /// <summary>The functions list.</summary>
    public const string Functions = DashboardEndpoints.Prefix + "/functions";

    /// <summary>One run.</summary>
    public static string Run(string id) => $"{Runs}/{Uri.EscapeDataString(id)}";
    /// <summary>One event.</summary>
    public static string Event(string id) => $"{Events}/{Uri.EscapeDataString(id)}";
    /// <summary>Runs of one function.</summary>
    public static string RunsOf(string functionId) => $"{Runs}?function={Uri.EscapeDataString(functionId)}";
    /// <summary>An element id for a function's row.</summary>
    public static string Anchor(string functionId) => "fn-" + string.Concat(functionId.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-'));
}
