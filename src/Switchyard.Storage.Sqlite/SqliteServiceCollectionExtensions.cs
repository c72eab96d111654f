using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchyard.Engine.Queue;
using Switchyard.Engine.Storage;

namespace Switchyard.Storage.Sqlite;

/// <summary>Registers the embedded store and its scheduler.</summary>
public static class SqliteServiceCollectionExtensions
{
    /// <summary>Uses the SQLite database at <paramref name="path"/> (created when missing) as the engine's store, run by
    /// the in-process <see cref="LocalScheduler"/>.</summary>
    public static IServiceCollection AddSqliteStore(this IServiceCollection s, string path)
    {
        s.AddSingleton<IStore>(sp => new SqliteStore(path, sp.GetRequiredService<ILogger<SqliteStore>>(), sp.GetService<TimeProvider>()));
        s.AddSingleton<LocalScheduler>();
        s.AddSingleton<IWorkScheduler>(sp => sp.GetRequiredService<LocalScheduler>());
        s.AddHostedService(sp => sp.GetRequiredService<LocalScheduler>());
        return s;
    }
}
