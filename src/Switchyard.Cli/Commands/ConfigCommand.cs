using Spectre.Console;
using System.CommandLine;
using System.Text.Json.Nodes;
using Switchyard.Cli.Output;

namespace Switchyard.Cli.Commands;

/// <summary><c>yard config</c>: the effective configuration and where each value came from.</summary>
internal static class ConfigCommand
{
    public static Command Build()
    {
        var command = new Command("config", "Print the effective configuration (defaults < yard.toml < SWITCHYARD_* < flags)");
        command.SetAction(pr =>
        {
            var output = CliGlobals.Output(pr);
            try
            {
                var config = CliGlobals.LoadConfiguration(pr);
                var rows = config.Describe();
                var result = new JsonObject
                {
                    ["file"] = config.File,
                    ["fileExists"] = File.Exists(config.File),
                    ["values"] = new JsonObject(rows.Select(r => KeyValuePair.Create(r.Key, (JsonNode?)new JsonObject { ["value"] = r.Value, ["source"] = r.Source }))),
                };
                return output.Success("config", result, console =>
                {
                    var table = Format.Table("option", "value", "source");
                    foreach (var r in rows) table.AddRow(r.Key, Spectre.Console.Markup.Escape(r.Value), Spectre.Console.Markup.Escape(r.Source));
                    console.Write(table);
                    console.MarkupLine($"[grey]file: {Spectre.Console.Markup.Escape(config.File)}{(File.Exists(config.File) ? "" : " (not present)")}[/]");
                });
            }
            catch (InvalidDataException ex)
            {
                return output.Failure("config", new CliException("invalid_config", ex.Message, "fix yard.toml or the SWITCHYARD_* variable"));
            }
        });
        return command;
    }
}
