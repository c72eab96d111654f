using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Switchyard.Cli.Output;

/// <summary>Small renderings shared by the human views.</summary>
internal static class Format
{
    public static string Time(JsonNode? unixMs) => unixMs is null ? "" :
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs.GetValue<long>()).ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public static string Clock(JsonNode? unixMs) => unixMs is null ? "" :
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs.GetValue<long>()).ToLocalTime().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);

    public static string Duration(JsonNode? ms)
    {
        if (ms is null) return "";
        var v = ms.GetValue<double>();
        return v < 1000 ? $"{v:0.#} ms" : v < 60_000 ? $"{v / 1000:0.##} s" : TimeSpan.FromMilliseconds(v).ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture);
    }

    public static string Time(long? unixMs) => unixMs is { } ms ? Time(JsonValue.Create(ms)) : "";

    public static string Clock(long? unixMs) => unixMs is { } ms ? Clock(JsonValue.Create(ms)) : "";

    public static string Duration(double? ms) => ms is { } v ? Duration(JsonValue.Create(v)) : "";

    public static string Text(string? text, int max = 60) => Text(text is null ? null : JsonValue.Create(text), max);

    public static string Text(JsonNode? node, int max = 60)
    {
        var s = node switch { null => "", JsonValue v when v.TryGetValue(out string? str) => str, _ => node.ToJsonString() };
        return Markup.Escape(s.Length > max ? s[..(max - 1)] + "…" : s);
    }

    public static string Status(string? status) => status switch
    {
        "Completed" => "[green]Completed[/]",
        "Failed" => "[red]Failed[/]",
        "Cancelled" => "[yellow]Cancelled[/]",
        "Running" => "[blue]Running[/]",
        _ => Markup.Escape(status ?? ""),
    };

    public static Table Table(params string[] columns)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (var c in columns) table.AddColumn(c);
        return table;
    }

    /// <summary>Keeps the columns at <paramref name="columns"/> (ids) on one line: on a narrow terminal Spectre would
    /// otherwise fold a run or event id across lines, and a folded id cannot be copied into the next command.</summary>
    public static Table NoWrap(this Table table, params int[] columns)
    {
        foreach (var c in columns) table.Columns[c].NoWrap();
        return table;
    }
}
