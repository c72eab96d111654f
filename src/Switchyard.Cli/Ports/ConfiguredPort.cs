namespace Switchyard.Cli.Ports;

/// <summary>A port a Switchyard component is configured to listen on.</summary>
/// <param name="Port">The port.</param>
/// <param name="Owner">Who should listen there, e.g. <c>bus server</c> or <c>app billing</c>.</param>
/// <param name="Kind"><see cref="BusServer"/>, <see cref="App"/>, <see cref="Supervisor"/>, <see cref="Redis"/> or <see cref="Postgres"/>.</param>
/// <param name="ConfiguredBy">Where the port comes from, e.g. <c>port (default)</c>, <c>--server</c>, <c>GET /v1/apps</c>.</param>
/// <param name="Url">The component's URL, when it has one.</param>
public sealed record ConfiguredPort(int Port, string Owner, string Kind, string ConfiguredBy, string? Url)
{
    /// <summary>Kind of the bus server (<c>yard dev</c> / <c>yard server</c>).</summary>
    public const string BusServer = "server";
    /// <summary>Kind of an app synced to the server.</summary>
    public const string App = "app";
    /// <summary>Kind of the supervisor's status port (<c>supervisor_url</c>).</summary>
    public const string Supervisor = "supervisor";
    /// <summary>Kind of the Redis server (<c>redis</c>).</summary>
    public const string Redis = "redis";
    /// <summary>Kind of the PostgreSQL server (<c>store</c>).</summary>
    public const string Postgres = "postgres";
}
