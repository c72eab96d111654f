namespace Switchyard.Server.Tests.Infrastructure;

/// <summary>One PostgreSQL cluster for every test in the collection. xunit only finds collection definitions in the
/// test assembly, so this stays here while the <see cref="PostgresServer"/> fixture is shared.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
