using Microsoft.Extensions.Logging;
using Switchyard.Engine.Storage;

namespace Switchyard.Storage.Sqlite;

/// <summary>The telemetry log of the SQLite store: a database file of its own next to the main one, with a writer
/// thread of its own.</summary>
/// <remarks>SQLite has one writer per database file. Telemetry in the main file made every engine commit also update
/// the telemetry table, its indexes and its full-text index, on the engine's one writer thread, which was most of what
/// limited runs per second. In a file of its own it is written on another thread (another core when there is one) and
/// only ever waits for itself. Nothing joins telemetry with engine tables in one statement, so nothing is lost by the
/// split; a telemetry record describing an engine change is written just after that change commits.</remarks>
internal sealed class SqliteTelemetryLog(string path, ILogger logger) : SqliteWriter(path, logger)
{
    public void Initialize() => Open("switchyard-sqlite-telemetry", [], SqliteSchema.MigrateTelemetry);

    public Task<T> WriteAsync<T>(Func<ITelemetryTransaction, T> work) => Enqueue(tx => work((ITelemetryTransaction)tx));
}
