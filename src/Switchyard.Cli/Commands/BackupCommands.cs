using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using Switchyard.Cli.Output;
using Switchyard.Storage.Sqlite;

namespace Switchyard.Cli.Commands;

/// <summary><c>yard backup FILE</c> and <c>yard restore FILE</c> for the SQLite store named by the configuration
/// (<c>store</c>, <c>data_dir</c>). Backup is online (the server keeps running); restore refuses a store in use.</summary>
internal static class BackupCommands
{
    private const string PostgresFix = "for PostgreSQL use pg_dump / pg_restore (see docs/operations.md, \"Backups\")";

    public static Command Backup()
    {
        var file = new Argument<string>("file") { Description = "The backup file to write (its telemetry log goes beside it as FILE-telemetry)" };
        var command = new Command("backup", "Copy the SQLite store (and its telemetry log) while the server runs") { file };
        command.SetAction(pr => Run(pr, "backup", storePath =>
        {
            var target = Path.GetFullPath(pr.GetValue(file)!);
            var files = SqliteBackup.Backup(storePath, target);
            return (files, $"backed up {storePath} to", new NextAction($"yard restore {target}", "restore it later (server stopped)"));
        }));
        return command;
    }

    public static Command Restore()
    {
        var file = new Argument<string>("file") { Description = "A file written by yard backup" };
        var command = new Command("restore", "Replace the SQLite store with a backup; refused while a server uses the store") { file };
        command.SetAction(pr => Run(pr, "restore", storePath =>
        {
            var files = SqliteBackup.Restore(Path.GetFullPath(pr.GetValue(file)!), storePath);
            return (files, "restored", new NextAction("yard server", "start the server on the restored store"));
        }));
        return command;
    }

    private static int Run(ParseResult pr, string name, Func<string, (IReadOnlyList<string> Files, string Verb, NextAction Next)> work)
    {
        var output = CliGlobals.Output(pr);
        try
        {
            var options = CliGlobals.LoadConfiguration(pr).Options;
            if (options.UsesPostgres) return output.Failure(name, new CliException("postgres_store", $"yard {name} handles the SQLite store; this configuration uses PostgreSQL", PostgresFix));
            var storePath = Path.GetFullPath(options.SqlitePath);
            var (files, verb, next) = work(storePath);
            var result = new JsonObject { ["store"] = storePath, ["files"] = new JsonArray(files.Select(f => (JsonNode?)f).ToArray()) };
            return output.Success(name, result, c =>
            {
                c.MarkupLine($"{verb} [green]{Markup.Escape(string.Join(", ", files))}[/]");
            }, next);
        }
        catch (InvalidDataException ex)
        {
            return output.Failure(name, new CliException("invalid_config", ex.Message, "fix yard.toml or the SWITCHYARD_* variable"));
        }
        catch (IOException ex)
        {
            return output.Failure(name, new CliException($"{name}_failed", ex.Message, name == "restore" ? "stop the server (yard config shows which store: store, data_dir), then retry" : "pick a new file name, or check the store path (yard config)"));
        }
    }
}
