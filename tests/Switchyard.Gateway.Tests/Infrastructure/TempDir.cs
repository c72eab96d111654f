namespace Switchyard.Gateway.Tests.Infrastructure;

/// <summary>Fresh temporary directories; removed at process exit.</summary>
public static class TempDir
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "switchyard-gateway-tests-" + Environment.ProcessId);

    static TempDir() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    };

    public static string Create()
    {
        var dir = Path.Combine(Root, Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
