using System.Text.Json;

namespace Switchyard.Supervisor.Processes;

/// <summary>What the supervisor remembers about a service's running child, in <c>STATE_DIR/NAME.pid</c>, so that a
/// later supervisor (after a crash or SIGKILL of this one) can recognise its own orphan and reclaim the port, while
/// never touching a process it did not start. The boot id and start time make a stale file name nobody.</summary>
/// <param name="Pid">The child's pid (its process group and session id when <paramref name="OwnGroup"/>).</param>
/// <param name="StartTicks">The child's start time, clock ticks since boot.</param>
/// <param name="OwnGroup">Whether the child was started in its own session.</param>
/// <param name="BootId">The boot it was started in.</param>
/// <param name="Service">The service name.</param>
/// <param name="Command">The command line, for messages.</param>
/// <param name="StartedAt">When it was spawned.</param>
/// <param name="SupervisorPid">The supervisor that spawned it.</param>
/// <param name="SupervisorStartTicks">That supervisor's start time: while it runs, the child is its business.</param>
internal sealed record PidFile(int Pid, long StartTicks, bool OwnGroup, string? BootId, string Service, string Command, DateTimeOffset StartedAt,
    int SupervisorPid, long SupervisorStartTicks)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The file's content, or null when it is missing or unreadable (then there is nothing to reclaim).</summary>
    public static PidFile? Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<PidFile>(File.ReadAllText(path), Json);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>Writes atomically (temp file + rename), so a crash mid-write never leaves half a file.</summary>
    public void Write(string path)
    {
        if (Path.GetDirectoryName(path) is { Length: > 0 } dir) Directory.CreateDirectory(dir);
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, Json));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Removes the file if present.</summary>
    public static void Delete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
