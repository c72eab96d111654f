using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Switchyard.Cli.Output;

/// <summary>Writes a command's result: a human rendering on a terminal, or exactly one JSON envelope
/// <c>{ok, command, result, error?, fix?, next_actions}</c> with <c>--json</c> or when stdout is not a terminal.</summary>
public sealed class CommandOutput(bool json)
{
    // Relaxed escaping keeps fixes readable (`yard dev`, not \u0060yard dev\u0060); the envelope is never embedded in HTML.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>True when the envelope is written instead of the human rendering.</summary>
    public bool Json { get; } = json;

    // Created on first use: `yard server` writing its one JSON line (not on a terminal) never needs it.
    private readonly Lazy<IAnsiConsole> _console = new(() => AnsiConsole.Console);

    /// <summary>The console for human output.</summary>
    public IAnsiConsole Console => _console.Value;

    /// <summary>Reports success and returns the exit code 0.</summary>
    public int Success(string command, JsonNode? result, Action<IAnsiConsole> render, params NextAction[] next)
    {
        if (Json) Write(new JsonObject { ["ok"] = true, ["command"] = command, ["result"] = result?.DeepClone(), ["next_actions"] = Actions(next) });
        else
        {
            render(Console);
            if (next.Length > 0)
            {
                Console.WriteLine();
                foreach (var n in next) Console.MarkupLine($"[grey]→ {Markup.Escape(n.Command)}  ({Markup.Escape(n.Description)})[/]");
            }
        }
        return 0;
    }

    /// <summary>Reports success with a typed answer of the server (written in the API's own JSON) and returns 0.</summary>
    public int Success<T>(string command, T result, Action<IAnsiConsole> render, params NextAction[] next) where T : class =>
        Success(command, JsonSerializer.SerializeToNode(result, Switchyard.Client.SwitchyardJson.Options), render, next);

    /// <summary>A record of the API as the JSON the server sent, for views that walk free-form parts of it.</summary>
    public static JsonObject AsJson<T>(T record) where T : class => JsonSerializer.SerializeToNode(record, Switchyard.Client.SwitchyardJson.Options)!.AsObject();

    /// <summary>Reports a failure and returns the exit code 1.</summary>
    public int Failure(string command, CliException error, params NextAction[] next)
    {
        if (Json)
        {
            var envelope = new JsonObject
            {
                ["ok"] = false, ["command"] = command, ["result"] = null,
                ["error"] = new JsonObject { ["code"] = error.Code, ["message"] = error.Message },
            };
            if (error.Fix is not null) envelope["fix"] = error.Fix;
            envelope["next_actions"] = Actions(next);
            Write(envelope);
        }
        else
        {
            var line = $"error: {error.Message}" + (error.Fix is null ? "" : $" — fix: {error.Fix}");
            System.Console.Error.WriteLine(line);
        }
        return 1;
    }

    private static JsonArray Actions(NextAction[] next) =>
        new(next.Select(n => (JsonNode)new JsonObject { ["command"] = n.Command, ["description"] = n.Description }).ToArray());

    private static void Write(JsonObject envelope) => System.Console.Out.WriteLine(envelope.ToJsonString(Indented));
}
