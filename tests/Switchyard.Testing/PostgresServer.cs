using System.Diagnostics;
using Npgsql;

namespace Switchyard.Testing;

/// <summary>A real PostgreSQL server for the test run: a fresh cluster (initdb + pg_ctl) in a temporary directory, on
/// a free loopback port, owned by the <c>postgres</c> user (PostgreSQL refuses to run as root). Each test gets its own
/// database. Meant as an xunit collection fixture, so one cluster serves a whole test assembly; the collection
/// definition must live in the test assembly itself, where xunit looks for it.</summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private string? _dir;
    private string? _bin;

    /// <summary>The loopback port the cluster listens on.</summary>
    public int Port { get; private set; }

    /// <summary>Why no server runs (PostgreSQL is not installed), or null when it runs.</summary>
    public string? Unavailable { get; private set; }

    /// <summary>Creates and starts the cluster, or sets <see cref="Unavailable"/>.</summary>
    public async Task InitializeAsync()
    {
        _bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin")).FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
            : null;
        if (_bin is null)
        {
            Unavailable = "PostgreSQL is not installed (scripts/test.sh installs the Debian postgresql package)";
            return;
        }
        _dir = Path.Combine(Path.GetTempPath(), "switchyard-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_dir);
        Port = Loopback.FreePort();
        if (AsRoot) await RunAsync("chown", "postgres:postgres", _dir);
        await RunAsPostgresAsync(Path.Combine(_bin, "initdb"), "-D", Path.Combine(_dir, "data"), "-A", "trust", "-U", "postgres", "--no-sync");
        await RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"), "-D", Path.Combine(_dir, "data"), "-l", Path.Combine(_dir, "log"), "-w", "-o",
            $"-p {Port} -k {_dir} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=on", "start");
    }

    /// <summary>A new empty database and its connection URL.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "t_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres");
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await cmd.ExecuteNonQueryAsync();
        return $"postgres://postgres@127.0.0.1:{Port}/{name}";
    }

    /// <summary>Stops the cluster (immediately: its data is thrown away) and removes its directory.</summary>
    public async Task DisposeAsync()
    {
        if (_dir is null || _bin is null) return;
        try { await RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"), "-D", Path.Combine(_dir, "data"), "-m", "immediate", "-w", "stop"); }
        catch (InvalidOperationException) { }
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static bool AsRoot => Environment.UserName == "root";

    private static Task RunAsPostgresAsync(string file, params string[] args) =>
        AsRoot ? RunAsync("runuser", ["-u", "postgres", "--", file, .. args]) : RunAsync(file, args);

    private static async Task RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await stderr}{await stdout}");
    }
}
