namespace Switchyard.Cli.Ports;

/// <summary>A process that holds a socket.</summary>
/// <param name="Pid">Process id.</param>
/// <param name="Arguments">Its command line, one entry per argument (<c>/proc/&lt;pid&gt;/cmdline</c>).</param>
public sealed record SocketProcess(int Pid, IReadOnlyList<string> Arguments)
{
    /// <summary>The command line as one string.</summary>
    public string CommandLine => string.Join(' ', Arguments);

    /// <summary>The command line with paths shortened to file names, for people (<c>dotnet yard.dll dev --port 8288</c>).</summary>
    public string Short => string.Join(' ', Arguments.Select(a => (a.StartsWith('/') || a.StartsWith("./", StringComparison.Ordinal)) && !a.EndsWith('/') ? Path.GetFileName(a) : a));
}
