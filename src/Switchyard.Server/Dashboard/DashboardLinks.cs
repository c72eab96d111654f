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

    /// <summary>Apps and workers.</summary>
    public const string Apps = DashboardEndpoints.Prefix + "/apps";
    /// <summary>Telemetry search and stats.</summary>
    public const string Telemetry = DashboardEndpoints.Prefix + "/telemetry";
    /// <summary>Cron schedules.</summary>
    public const string Cron = DashboardEndpoints.Prefix + "/cron";
    /// <summary>Webhook providers and deliveries.</summary>
    public const string Webhooks = DashboardEndpoints.Prefix + "/webhooks";
    /// <summary>The gateway's channels.</summary>
    public const string Gateway = DashboardEndpoints.Prefix + "/gateway";
    /// <summary>DAG runs.</summary>
    public const string Dags = DashboardEndpoints.Prefix + "/dags";
    /// <summary>Pipelines.</summary>
    public const string Pipelines = DashboardEndpoints.Prefix + "/pipelines";
    /// <summary>The work queue.</summary>
    public const string Queue = DashboardEndpoints.Prefix + "/queue";

    /// <summary>An event's causal tree.</summary>
    public static string Trace(string eventId) => $"{DashboardEndpoints.Prefix}/trace/{Uri.EscapeDataString(eventId)}";
    /// <summary>One DAG run.</summary>
    public static string Dag(string runId) => $"{Dags}/{Uri.EscapeDataString(runId)}";
    /// <summary>One pipeline: its history and Trigger.</summary>
    public static string Pipeline(string name) => $"{Pipelines}/{Uri.EscapeDataString(name)}";
    /// <summary>One run.</summary>
    public static string Run(string id) => $"{Runs}/{Uri.EscapeDataString(id)}";
    /// <summary>One event.</summary>
    public static string Event(string id) => $"{Events}/{Uri.EscapeDataString(id)}";
    /// <summary>Runs of one function.</summary>
    public static string RunsOf(string functionId) => $"{Runs}?function={Uri.EscapeDataString(functionId)}";
    /// <summary>An element id for a function's row.</summary>
    public static string Anchor(string functionId) => "fn-" + string.Concat(functionId.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-'));
}
