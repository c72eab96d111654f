using Npgsql;
using NpgsqlTypes;

namespace Switchyard.Storage.Postgres;

/// <summary>Rows of one table that a writer's deferred batch inserts with a single statement,
/// <c>INSERT … SELECT * FROM unnest($1::type[], …)</c>: one column array per parameter instead of one statement per
/// row, so a batch of 100 events is one statement for PostgreSQL to bind and execute rather than 100. The statement's
/// text does not depend on the row count, so it is prepared once. Rows are added while the command sits in the
/// deferred list; <see cref="Close"/> binds the arrays before the batch is sent.</summary>
internal sealed class UnnestInsert
{
    private readonly string _sql;
    private readonly NpgsqlDbType[] _types;
    private readonly List<object?>[] _columns;

    /// <summary>An insert into <paramref name="table"/>'s <paramref name="columns"/> (comma-separated), typed
    /// <paramref name="types"/> in the same order (<c>Bigint</c>, <c>Integer</c>, <c>Double</c> or <c>Text</c>).</summary>
    public UnnestInsert(string table, string columns, params NpgsqlDbType[] types) : this(table, columns, types, onConflict: null)
    {
    }

    /// <summary>As the other constructor, with an <c>ON CONFLICT</c> clause (e.g. <c>ON CONFLICT (id) DO NOTHING</c>).</summary>
    public UnnestInsert(string table, string columns, NpgsqlDbType[] types, string? onConflict)
    {
        _types = types;
        _columns = [.. types.Select(_ => new List<object?>())];
        var arrays = string.Join(", ", types.Select((t, i) => $"${i + 1}::{SqlType(t)}[]"));
        _sql = $"INSERT INTO {table}({columns}) SELECT * FROM unnest({arrays}){(onConflict is null ? "" : " " + onConflict)}";
    }

    /// <summary>The command collecting rows, or null when none is open.</summary>
    public NpgsqlBatchCommand? Open { get; private set; }

    /// <summary>Adds a row; returns the command to queue when this row opened it (null when it joined an open one).</summary>
    public NpgsqlBatchCommand? Add(params object?[] row)
    {
        NpgsqlBatchCommand? opened = null;
        if (Open is null) Open = opened = new NpgsqlBatchCommand(_sql);
        for (var i = 0; i < row.Length; i++) _columns[i].Add(row[i]);
        return opened;
    }

    /// <summary>Binds the collected rows to the open command and closes it.</summary>
    public void Close()
    {
        if (Open is null) return;
        for (var i = 0; i < _types.Length; i++)
            Open.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | _types[i], Value = Column(i) });
        Drop();
    }

    /// <summary>Forgets the open command and its rows (their batch was dropped).</summary>
    public void Drop()
    {
        Open = null;
        foreach (var c in _columns) c.Clear();
    }

    private object Column(int i) => _types[i] switch
    {
        NpgsqlDbType.Bigint => _columns[i].Select(v => (long?)v).ToArray(),
        NpgsqlDbType.Integer => _columns[i].Select(v => (int?)v).ToArray(),
        NpgsqlDbType.Double => _columns[i].Select(v => (double?)v).ToArray(),
        _ => _columns[i].Select(v => (string?)v).ToArray(),
    };

    private static string SqlType(NpgsqlDbType t) => t switch
    {
        NpgsqlDbType.Bigint => "bigint",
        NpgsqlDbType.Integer => "int",
        NpgsqlDbType.Text => "text",
        NpgsqlDbType.Double => "double precision",
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "only bigint, int, double and text columns are collected"),
    };
}
