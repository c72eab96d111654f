namespace Switchyard.Engine.Model;

/// <summary>A synced app: where it is served and when it last registered.</summary>
/// <param name="Id">App id (the SDK's <c>appName</c>).</param>
/// <param name="Url">Serve URL, without <c>deployId</c>.</param>
/// <param name="Sdk">SDK and version, e.g. <c>js:v4.24.0</c>.</param>
/// <param name="Framework">Framework the app is served from.</param>
/// <param name="Checksum">Hash of the last registration, to tell no-op syncs.</param>
/// <param name="SyncedAt">Last successful registration, Unix ms.</param>
/// <param name="CreatedAt">First registration, Unix ms.</param>
/// <param name="FunctionCount">Functions the app registered.</param>
public sealed record AppRecord(string Id, string Url, string? Sdk, string? Framework, string Checksum, long SyncedAt, long CreatedAt, int FunctionCount);
