using Switchyard.Protocol.Functions;

namespace Switchyard.Client.Models;

/// <summary>A synced app.</summary>
/// <param name="Id">App id.</param>
/// <param name="Role">Its role (<c>host</c>, <c>cluster</c>…), when it declared one.</param>
/// <param name="Url">Serve URL the server calls.</param>
/// <param name="Sdk">SDK name and version.</param>
/// <param name="Framework">Framework the SDK reported.</param>
/// <param name="SyncedAt">Last sync, Unix ms.</param>
/// <param name="CreatedAt">First sync, Unix ms.</param>
/// <param name="FunctionCount">Functions it registered.</param>
public sealed record AppView(string Id, string? Role, string Url, string? Sdk, string? Framework, long SyncedAt, long CreatedAt, int FunctionCount);

/// <summary><c>GET /v1/apps</c>.</summary>
/// <param name="Apps">Synced apps.</param>
public sealed record AppList(IReadOnlyList<AppView> Apps);

/// <summary>A registered function.</summary>
/// <param name="Id">Function id.</param>
/// <param name="Name">Display name.</param>
/// <param name="AppId">The app that registered this copy.</param>
/// <param name="Role">That app's role.</param>
/// <param name="Url">The URL the server calls for it.</param>
/// <param name="Paused">Paused functions start no runs.</param>
/// <param name="Triggers">Event and cron triggers.</param>
/// <param name="MaxAttempts">Attempts per step (retries + 1).</param>
/// <param name="Owner">The app whose copy runs (the first registered, when several apps register the id).</param>
/// <param name="Conflict">More than one app registers this id.</param>
public sealed record FunctionView(string Id, string Name, string AppId, string? Role, string? Url, bool Paused, IReadOnlyList<TriggerConfig> Triggers,
    int MaxAttempts, string? Owner, bool Conflict);

/// <summary><c>GET /v1/functions</c>.</summary>
/// <param name="Functions">Registered functions (one entry per app for conflicting ids).</param>
public sealed record FunctionList(IReadOnlyList<FunctionView> Functions);

/// <summary><c>POST /v1/apps/sync</c> body.</summary>
/// <param name="Url">The app's serve URL.</param>
public sealed record SyncRequest(string? Url);

/// <summary><c>POST /v1/apps/sync</c>: the app registered.</summary>
/// <param name="Ok">Always true (failures are errors).</param>
/// <param name="Message">What the app answered.</param>
/// <param name="Modified">Its functions changed.</param>
/// <param name="App">The app as now registered.</param>
public sealed record SyncResult(bool Ok, string Message, bool Modified, AppView? App);

/// <summary><c>POST /v1/functions/{id}/pause</c> and <c>/resume</c>.</summary>
/// <param name="Id">Function id.</param>
/// <param name="Paused">The new state.</param>
public sealed record PauseResult(string Id, bool Paused);
