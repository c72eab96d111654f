using System.Diagnostics.Metrics;
using Switchyard.Engine.Diagnostics;

namespace Switchyard.Storage.Postgres;

/// <summary>Round trips of the store's writer connection, on the engine's meter (<c>/metrics</c>). A round trip is a
/// wait for PostgreSQL's answer, the unit the writer's latency is made of; counting them (rather than timing) gives
/// a figure that does not depend on how loaded the machine is. Tagged <c>store</c> with the database's location.</summary>
internal static class PostgresMetrics
{
    /// <summary>Round trips of the writer connection (statements, batches, savepoints, commits).</summary>
    public static readonly Counter<long> RoundTrips = SwitchyardDiagnostics.Meter.CreateCounter<long>(
        "switchyard.store.round_trips", "{round_trip}", "Round trips of the PostgreSQL writer connection");

    /// <summary>Transactions committed by the writer (each holds many callers' writes).</summary>
    public static readonly Counter<long> Commits = SwitchyardDiagnostics.Meter.CreateCounter<long>(
        "switchyard.store.commits", "{commit}", "Group commits of the PostgreSQL writer connection");
}
