using Switchyard.Engine.Storage;

namespace Switchyard.Server.Tests.Postgres;

/// <summary>Tests run against each store: a subclass per store creates it, this opens it before each test and closes
/// it after (shared by <see cref="StoreConformanceTests"/> and <see cref="RetentionStoreTests"/>).</summary>
public abstract class StoreTests : IAsyncLifetime
{
    /// <summary>The store under test, initialized.</summary>
    protected IStore Store { get; private set; } = null!;

    /// <summary>Creates the store (not yet initialized).</summary>
    protected abstract Task<IStore> CreateAsync();

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        Store = await CreateAsync();
        await Store.InitializeAsync(CancellationToken.None);
    }

    /// <inheritdoc />
    public async Task DisposeAsync() => await Store.DisposeAsync();

    /// <summary>Runs <paramref name="work"/> as one write of the store.</summary>
    protected Task<T> W<T>(Func<IStoreTransaction, T> work) => Store.WriteAsync(work);
}
