namespace Switchyard.Cli.Ports;

/// <summary>Recognizes Switchyard's own processes by their command line: the <c>yard</c> tool, or <c>dotnet
/// …/yard.dll</c>, followed by a component command.</summary>
public static class YardCommandLine
{
    /// <summary>Subcommands that run the bus server.</summary>
    public static readonly IReadOnlyList<string> ServerCommands = ["dev", "server"];

    /// <summary>The yard subcommand a process runs (e.g. <c>dev</c>), or null when it is not a yard process.</summary>
    public static string? Subcommand(IReadOnlyList<string> arguments)
    {
        for (var i = 0; i < arguments.Count; i++)
        {
            var name = Path.GetFileName(arguments[i]);
            if (name is not ("yard" or "yard.dll" or "yard.exe")) continue;
            // The first argument after the program that is not an option (global options may come first).
            for (var j = i + 1; j < arguments.Count; j++)
            {
                if (arguments[j].StartsWith('-'))
                {
                    if (arguments[j] is "--server" or "--config") j++;
                    continue;
                }
                return arguments[j];
            }
            return "";
        }
        return null;
    }

    /// <summary>True when the process runs the bus server (<c>yard dev</c> or <c>yard server</c>).</summary>
    public static bool IsBusServer(IReadOnlyList<string> arguments) => Subcommand(arguments) is { } c && ServerCommands.Contains(c);
}
