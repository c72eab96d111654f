using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Configuration;
using Switchyard.Engine.Expressions;
using Switchyard.Engine.Model;
using Switchyard.Protocol.Dags;

namespace Switchyard.Engine.Dags;

/// <summary>The pipelines declared in configuration: <c>[pipelines.NAME]</c> tables of <c>yard.toml</c> and one file
/// per pipeline in <c>pipelines_dir</c> (<c>NAME.toml</c> or <c>NAME.json</c>). Read and checked once, at start: a
/// bad pipeline stops the server with every problem named (pipeline, node, field), like any configuration error.</summary>
public sealed class PipelineCatalog
{
    /// <summary>Keys a pipeline has besides a DAG's.</summary>
    public static readonly IReadOnlyList<string> PipelineKeys = ["schedule", "concurrency", "notify", "description"];

    private readonly Dictionary<string, PipelineDefinition> _pipelines = new(StringComparer.Ordinal);

    /// <summary>Reads the pipelines of <paramref name="options"/>.</summary>
    /// <exception cref="InvalidDataException">One line per problem.</exception>
    public PipelineCatalog(ServerOptions options)
    {
        var problems = new List<string>();
        foreach (var (name, json) in options.Pipelines) Add(name, json, "yard.toml", problems);
        if (!string.IsNullOrWhiteSpace(options.PipelinesDir))
        {
            if (!Directory.Exists(options.PipelinesDir))
                problems.Add($"pipelines_dir: {options.PipelinesDir} is not a directory");
            else
                foreach (var file in Directory.EnumerateFiles(options.PipelinesDir).Order(StringComparer.Ordinal))
                {
                    var ext = Path.GetExtension(file).ToLowerInvariant();
                    if (ext is not (".toml" or ".json")) continue;
                    var name = Path.GetFileNameWithoutExtension(file);
                    if (_pipelines.TryGetValue(name, out var declared))
                    {
                        problems.Add($"{file}: pipeline '{name}' is also declared in {declared.Origin}");
                        continue;
                    }
                    try
                    {
                        var text = File.ReadAllText(file);
                        var json = ext == ".toml" ? TomlJson.Parse(text, file) : JsonNode.Parse(text) as JsonObject
                            ?? throw new InvalidDataException($"{file}: must be a JSON object");
                        Add(name, json, file, problems);
                    }
                    catch (Exception e) when (e is InvalidDataException or JsonException or IOException)
                    {
                        problems.Add(e is JsonException ? $"{file}: not valid JSON: {e.Message}" : e.Message);
                    }
                }
        }
        if (problems.Count > 0) throw new InvalidDataException(string.Join(Environment.NewLine, problems));
    }

    /// <summary>Every pipeline, by name.</summary>
    public IReadOnlyList<PipelineDefinition> All => _pipelines.Values.OrderBy(p => p.Name, StringComparer.Ordinal).ToList();

    /// <summary>A pipeline by name.</summary>
    public PipelineDefinition? Find(string name) => _pipelines.GetValueOrDefault(name);

    private void Add(string name, JsonObject json, string origin, List<string> problems)
    {
        var where = origin == "yard.toml" ? $"yard.toml: pipelines.{name}" : origin;
        if (name.Length is 0 or > DagLimits.MaxIdLength || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
        {
            problems.Add($"{where}: '{name}' is not a valid pipeline name (letters, digits, '_', '-', '.')");
            return;
        }
        var result = DagParser.Parse(json, PipelineKeys);
        foreach (var p in result.Problems) problems.Add($"{where}: {p}");
        var before = problems.Count;
        var schedule = Text(json, "schedule", where, problems) is { } cron
            ? CronSchedule.TryParse(cron, out var error) ?? Problem<CronSchedule>(problems, $"{where}: schedule '{cron}' is not a cron expression: {error}")
            : null;
        var concurrency = PipelineConcurrency.Allow;
        if (Text(json, "concurrency", where, problems) is { } mode && !WireNames.TryParse(mode, out concurrency))
            problems.Add($"{where}: concurrency '{mode}' must be allow, forbid or replace");
        var notify = Text(json, "notify", where, problems);
        var description = Text(json, "description", where, problems);
        if (result.Spec is null || problems.Count > before) return;
        _pipelines[name] = new PipelineDefinition(name, result.Spec with { Pipeline = name }, schedule, concurrency, notify, description, origin);
    }

    private static string? Text(JsonObject json, string key, string where, List<string> problems)
    {
        var value = json.FirstOrDefault(p => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase)).Value;
        if (value is null) return null;
        if (value is JsonValue v && v.GetValueKind() == JsonValueKind.String) return v.GetValue<string>();
        problems.Add($"{where}: {key} must be a string");
        return null;
    }

    private static T? Problem<T>(List<string> problems, string message) where T : class
    {
        problems.Add(message);
        return null;
    }
}
