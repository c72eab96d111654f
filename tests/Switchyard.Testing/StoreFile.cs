using Microsoft.Data.Sqlite;

namespace Switchyard.Testing;

/// <summary>Reads a SQLite store as a killed or stopped server left it, without starting one (which would run its
/// cron ticker and scheduler): a read-only connection to <c>switchyard.db</c> in the data directory.</summary>
public static class StoreFile
{
    /// <summary>Runs <paramref name="sql"/> and maps each row's first column, a string.</summary>
    public static async Task<List<T>> QueryAsync<T>(string dataDir, string sql, Func<string, T> map)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDir, "switchyard.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(map(reader.GetString(0)));
        return rows;
    }
}
