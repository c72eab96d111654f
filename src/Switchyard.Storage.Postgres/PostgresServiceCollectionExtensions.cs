using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchyard.Engine.Queue;
using Switchyard.Engine.Registry;
using Switchyard.Engine.Storage;

namespace Switchyard.Storage.Postgres;

/// <summary>Registers the PostgreSQL store, its scheduler, and the registry refresh replicas need.</summary>
public static class PostgresServiceCollectionExtensions
{
    /// <summary>Uses the PostgreSQL database <paramref name="connection"/> (a <c>postgres://</c> URL or an Npgsql
    /// connection string) as the engine's store, shared by every replica.</summary>
    public static IServiceCollection AddPostgresStore(this IServiceCollection s, string connection)
    {
        s.AddSingleton(sp => new PostgresStore(connection, sp.GetRequiredService<ILogger<PostgresStore>>(), sp.GetService<TimeProvider>()));
        s.AddSingleton<IStore>(sp => sp.GetRequiredService<PostgresStore>());
        s.AddSingleton<PostgresScheduler>();
        s.AddSingleton<IWorkScheduler>(sp => sp.GetRequiredService<PostgresScheduler>());
        s.AddHostedService(sp => sp.GetRequiredService<PostgresScheduler>());
        // Another replica may sync an app; each replica reloads the registry it matches triggers against.
        s.AddHostedService<RegistryRefresh>();
        return s;
    }
}
