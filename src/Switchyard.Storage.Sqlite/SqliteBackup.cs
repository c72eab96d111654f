using Microsoft.Data.Sqlite;

namespace Switchyard.Storage.Sqlite;

/// <summary>Online backup and offline restore of a SQLite store: the main file and its telemetry log
/// (<see cref="SqliteStore.TelemetryPath"/>). Backup uses SQLite's backup API, which copies from one read transaction:
/// a consistent snapshot taken while the server keeps writing (WAL mode lets readers and the writer run together).</summary>
public static class SqliteBackup
{
    /// <summary>Copies the store at <paramref name="storePath"/> to <paramref name="targetPath"/> (and its telemetry log
    /// beside it). Everything committed before the call is in the copy.</summary>
    /// <returns>The files written.</returns>
    /// <exception cref="IOException">A target file exists, or the store does not.</exception>
    public static IReadOnlyList<string> Backup(string storePath, string targetPath)
    {
        if (!File.Exists(storePath)) throw new IOException($"no store at {storePath}");
        var pairs = new List<(string From, string To)> { (storePath, targetPath) };
        if (File.Exists(SqliteStore.TelemetryPath(storePath))) pairs.Add((SqliteStore.TelemetryPath(storePath), SqliteStore.TelemetryPath(targetPath)));
        foreach (var (_, to) in pairs)
            if (File.Exists(to)) throw new IOException($"{to} exists; choose a new file name (a backup never overwrites)");
        foreach (var (from, to) in pairs)
        {
            // Written under a temporary name and renamed when complete, so a crash never leaves a half backup under the real name.
            var partial = to + ".partial";
            File.Delete(partial);
            using (var source = Open(from, SqliteOpenMode.ReadOnly))
            using (var target = Open(partial, SqliteOpenMode.ReadWriteCreate))
            {
                source.BackupDatabase(target);
                // A backup is one self-contained file: no -wal beside it.
                using var journal = target.CreateCommand();
                journal.CommandText = "PRAGMA journal_mode=DELETE";
                journal.ExecuteNonQuery();
            }
            File.Move(partial, to);
        }
        return pairs.Select(p => p.To).ToList();
    }

    /// <summary>Replaces the store at <paramref name="storePath"/> with the backup at <paramref name="backupPath"/> (and
    /// its telemetry log). Refuses while any connection has the store open, e.g. a running server.</summary>
    /// <exception cref="IOException">The store is in use, or the backup is missing or not a SQLite store.</exception>
    public static IReadOnlyList<string> Restore(string backupPath, string storePath)
    {
        if (!File.Exists(backupPath)) throw new IOException($"no backup at {backupPath}");
        Check(backupPath);
        var pairs = new List<(string From, string To)> { (backupPath, storePath) };
        if (File.Exists(SqliteStore.TelemetryPath(backupPath))) pairs.Add((SqliteStore.TelemetryPath(backupPath), SqliteStore.TelemetryPath(storePath)));
        foreach (var (_, to) in pairs) if (File.Exists(to)) TakeOver(to);
        foreach (var (from, to) in pairs)
        {
            var dir = Path.GetDirectoryName(Path.GetFullPath(to));
            if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
            File.Copy(from, to + ".partial", overwrite: true);
            foreach (var leftover in new[] { to + "-wal", to + "-shm" }) File.Delete(leftover);
            File.Move(to + ".partial", to, overwrite: true);
        }
        return pairs.Select(p => p.To).ToList();
    }

    /// <summary>Leaves WAL mode on the store, which SQLite allows only to the one connection that has it open: when any
    /// other (a server's writer or readers) has it open, the switch fails and the store is in use.</summary>
    private static void TakeOver(string path)
    {
        try
        {
            using var connection = Open(path, SqliteOpenMode.ReadWrite);
            using (var noWait = connection.CreateCommand())
            {
                noWait.CommandText = "PRAGMA busy_timeout=0";
                noWait.ExecuteNonQuery();
            }
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "PRAGMA journal_mode=DELETE";
            if (cmd.ExecuteScalar() is not string mode || !mode.Equals("delete", StringComparison.OrdinalIgnoreCase))
                throw InUse(path);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 5 or 6)
        {
            throw InUse(path);
        }
    }

    private static IOException InUse(string path) =>
        new($"{path} is in use (a server or another process has it open); stop the server first, then restore");

    private static void Check(string path)
    {
        using var connection = Open(path, SqliteOpenMode.ReadOnly);
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM schema_version";
        try { cmd.ExecuteScalar(); }
        catch (SqliteException ex) { throw new IOException($"{path} is not a Switchyard SQLite store: {ex.Message}", ex); }
    }

    private static SqliteConnection Open(string path, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }
}
