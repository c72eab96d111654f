namespace Switchyard.Client.Models;

/// <summary>One cron trigger of a function.</summary>
/// <param name="FunctionId">The function.</param>
/// <param name="Cron">The expression (with its <c>TZ=</c> prefix, if any).</param>
/// <param name="Timezone">Time zone id, when the expression parses.</param>
/// <param name="Paused">The function is paused.</param>
/// <param name="LastFire">Last tick fired, Unix ms.</param>
/// <param name="NextFire">Next tick, Unix ms.</param>
/// <param name="LastRun">The newest run a cron tick started.</param>
public sealed record CronScheduleView(string FunctionId, string Cron, string? Timezone, bool Paused, long? LastFire, long? NextFire, CronLastRun? LastRun);

/// <summary>The newest run of a cron schedule.</summary>
/// <param name="Id">Run id.</param>
/// <param name="Status">Run status.</param>
/// <param name="CreatedAt">Unix ms.</param>
public sealed record CronLastRun(string Id, string Status, long CreatedAt);

/// <summary><c>GET /v1/cron</c>.</summary>
/// <param name="Schedules">Every cron trigger.</param>
public sealed record CronList(IReadOnlyList<CronScheduleView> Schedules);

/// <summary><c>POST /v1/cron/{id}/trigger</c>.</summary>
/// <param name="FunctionId">The function.</param>
/// <param name="Cron">The expression fired.</param>
/// <param name="RunId">The run started, unless flow control skipped it.</param>
public sealed record CronTriggerResult(string FunctionId, string Cron, string? RunId);
