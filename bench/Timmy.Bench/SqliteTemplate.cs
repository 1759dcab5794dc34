using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace Timmy.Bench;

/// <summary>
/// A database Timmy created, read for the storage ceilings: its schema, its synchronous setting and real rows to
/// copy, so a ceiling writes the app's own tables, indexes and row sizes.
/// </summary>
public sealed class SqliteTemplate : IDisposable
{
    private readonly SqliteConnection _connection;

    public SqliteTemplate(string path)
    {
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly }.ToString());
        _connection.Open();
        Schema = Rows("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid;")
            .Select(row => (string)row["sql"])
            .ToList();
        Synchronous = Sql.Scalar(_connection, "PRAGMA synchronous;");
        Path = path;
    }

    public string Path { get; }

    public IReadOnlyList<string> Schema { get; }

    public string Synchronous { get; }

    /// <summary>The first row <paramref name="sql"/> returns; the template must have one.</summary>
    public Dictionary<string, object> Row(string sql) =>
        Rows(sql).FirstOrDefault() ?? throw new InvalidOperationException($"{Path} has no row for: {sql}");

    /// <summary>
    /// A new, empty database at <paramref name="path"/> with the template's schema, in WAL mode with the connection
    /// defaults the app uses (a plain Data Source and a busy timeout: no pragmas beyond WAL, so the same synchronous).
    /// </summary>
    public SqliteConnection CreateEmptyCopy(string path)
    {
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, DefaultTimeout = 60 }.ToString());
        connection.Open();
        Sql.Execute(connection, "PRAGMA journal_mode=WAL;");
        foreach (var statement in Schema)
        {
            Sql.Execute(connection, statement);
        }

        var synchronous = Sql.Scalar(connection, "PRAGMA synchronous;");
        if (synchronous != Synchronous)
        {
            throw new InvalidOperationException($"synchronous is {synchronous} here but {Synchronous} for the app");
        }

        return connection;
    }

    public void Dispose() => _connection.Dispose();

    private List<Dictionary<string, object>> Rows(string sql)
    {
        using var command = new SqliteCommand(sql, _connection);
        using var reader = command.ExecuteReader();
        var rows = new List<Dictionary<string, object>>();
        while (reader.Read())
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, reader.GetValue));
        }

        return rows;
    }
}

/// <summary>Small helpers for the ceilings' raw SQL.</summary>
public static class Sql
{
    // EF Core stores Guids as upper-case text and payment hashes as lower-case hex.
    public static string NewId() => Guid.NewGuid().ToString().ToUpperInvariant();

    public static string NewHash() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public static string Version(SqliteConnection connection) => Scalar(connection, "SELECT sqlite_version();");

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = new SqliteCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    public static string Scalar(SqliteConnection connection, string sql)
    {
        using var command = new SqliteCommand(sql, connection);
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture) ?? string.Empty;
    }
}

/// <summary>A prepared INSERT of every column of a template row, with some columns overridden per row.</summary>
public sealed class RowInserter
{
    private readonly SqliteCommand _command;

    public RowInserter(SqliteConnection connection, string table, IReadOnlyDictionary<string, object> template)
    {
        var columns = template.Keys.ToList();
        _command = new SqliteCommand(
            $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) " +
            $"VALUES ({string.Join(", ", columns.Select(c => $"${c}"))});",
            connection);
        foreach (var column in columns)
        {
            _command.Parameters.AddWithValue($"${column}", template[column]);
        }
    }

    public void Insert(SqliteTransaction transaction, params (string Column, object Value)[] overrides)
    {
        foreach (var (column, value) in overrides)
        {
            _command.Parameters[$"${column}"].Value = value;
        }

        _command.Transaction = transaction;
        _command.ExecuteNonQuery();
    }
}
