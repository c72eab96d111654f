using Npgsql;

namespace Switchyard.Storage.Postgres;

/// <summary>Turns <c>postgres://user:password@host:port/database?sslmode=…</c> into an Npgsql connection string;
/// keyword strings (<c>Host=…;Database=…</c>) pass through.</summary>
public static class PostgresUrl
{
    /// <summary>True for <c>postgres://</c> and <c>postgresql://</c> URLs.</summary>
    public static bool IsUrl(string value) =>
        value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);

    /// <summary>The Npgsql connection string.</summary>
    /// <exception cref="FormatException">The URL is malformed.</exception>
    public static string ToConnectionString(string value)
    {
        if (!IsUrl(value)) return value;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri)) throw new FormatException($"'{value}' is not a valid postgres:// URL");
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.Port > 0 ? uri.Port : 5432,
            Database = uri.AbsolutePath.Trim('/') is { Length: > 0 } db ? Uri.UnescapeDataString(db) : "postgres",
        };
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length > 1) builder.Password = Uri.UnescapeDataString(parts[1]);
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            builder[Uri.UnescapeDataString(kv[0])] = kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : "";
        }
        return builder.ConnectionString;
    }
}
