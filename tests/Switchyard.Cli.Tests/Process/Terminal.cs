using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Switchyard.Cli.Tests.Process;

/// <summary>Runs <c>yard</c> under a pseudo-terminal of a given width, with util-linux <c>script</c>: the human
/// rendering is chosen only when stdout is a terminal, and Spectre.Console takes the width from the terminal itself
/// (<c>COLUMNS</c> alone is not enough), so <c>stty cols</c> sets it inside the pty.</summary>
internal static partial class Terminal
{
    /// <summary>The screen text of <c>yard ARGS</c> at <paramref name="columns"/> columns, without ANSI escapes.</summary>
    public static async Task<string> RunAsync(int columns, params string[] args)
    {
        var yard = string.Join(' ', new[] { "dotnet", Yard.Dll }.Concat(args).Select(Quote));
        var psi = new ProcessStartInfo("script")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
            WorkingDirectory = TempDir.Create(),
        };
        foreach (var a in new[] { "-qfec", $"stty cols {columns} rows 50; exec {yard}", "/dev/null" }) psi.ArgumentList.Add(a);
        psi.Environment["TERM"] = "xterm-256color";
        psi.Environment.Remove("COLUMNS");
        psi.Environment.Remove("NO_COLOR");
        using var process = System.Diagnostics.Process.Start(psi)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            // The pty and yard under it would otherwise outlive the test.
            process.Kill(entireProcessTree: true);
            throw;
        }
        var screen = Ansi().Replace(await stdout, "").Replace("\r", "", StringComparison.Ordinal);
        Assert.True(process.ExitCode == 0, $"yard {string.Join(' ', args)} under a {columns}-column pty exited {process.ExitCode}: {screen} {await stderr}");
        return screen;
    }

    /// <summary>Asserts that every id is printed whole on one line of <paramref name="screen"/>: a table that wraps a
    /// column mid-id leaves an id no one can copy.</summary>
    public static void AssertIdsWhole(string screen, IEnumerable<string> ids)
    {
        var lines = screen.Split('\n');
        foreach (var id in ids)
            Assert.True(lines.Any(l => l.Contains(id, StringComparison.Ordinal)), $"id {id} is not whole on any line of:\n{screen}");
    }

    private static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    // CSI sequences (colours, cursor) and OSC sequences (links, titles).
    [GeneratedRegex(@"\x1B\[[0-?]*[ -/]*[@-~]|\x1B\][^\x07\x1B]*(\x07|\x1B\\)|\x1B[()][0-9A-Za-z]")]
    private static partial Regex Ansi();
}
