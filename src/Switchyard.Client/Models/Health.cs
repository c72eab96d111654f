using System.Text.Json.Serialization;

namespace Switchyard.Client.Models;

/// <summary><c>GET /health</c> of the server (no token needed).</summary>
/// <param name="Status">Always <c>ok</c>: the server answers only once it accepts events.</param>
/// <param name="Version">Server version.</param>
/// <param name="Store">Its store.</param>
/// <param name="Mode"><c>dev</c> or <c>production</c>.</param>
/// <param name="UptimeSeconds">Since the process started.</param>
public sealed record ServerHealth(string Status, string Version, StoreInfo Store, string Mode, double UptimeSeconds);

/// <summary>Which store the server uses.</summary>
/// <param name="Kind"><c>sqlite</c> or <c>postgres</c>.</param>
/// <param name="Location">File path or masked connection string.</param>
public sealed record StoreInfo(string Kind, string Location);

/// <summary><c>GET /v1/status</c>: one line per component and the overall state.</summary>
/// <param name="Overall"><c>ok</c> or <c>degraded</c>.</param>
/// <param name="Components">Server, store, Redis, gateway, supervisor, each app, function-id conflicts.</param>
public sealed record StatusView(string Overall, IReadOnlyList<ComponentStatus> Components);

/// <summary>One component's state.</summary>
/// <param name="Component">E.g. <c>server</c>, <c>app billing</c>.</param>
/// <param name="Status"><c>ok</c>, <c>degraded</c> or <c>down</c>.</param>
/// <param name="Detail">What was found.</param>
/// <param name="Fix">What to do, for problems (absent when ok).</param>
public sealed record ComponentStatus(string Component, string Status, string Detail,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Fix);
