namespace Switchyard.Testing;

/// <summary>Fresh temporary directories under one root per test process; the root is removed at process exit, so a
/// test never has to clean up after itself (SQLite and child processes may still hold files when a test ends).</summary>
public static class TempDir
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "switchyard-tests-" + Environment.ProcessId);

    static TempDir() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    };

    /// <summary>Creates a new empty directory and returns its path.</summary>
    public static string Create()
    {
        var dir = Path.Combine(Root, Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
