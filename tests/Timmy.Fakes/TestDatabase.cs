using Npgsql;

namespace Timmy.Tests.Fakes;

/// <summary>
/// Where a test's database lives. By default a fresh SQLite file; with <c>TIMMY_TEST_POSTGRES</c> set to a
/// server connection string (as CI does on its second pass), a fresh PostgreSQL database on that server.
/// </summary>
public sealed class TestDatabase
{
    public const string PostgresVariable = "TIMMY_TEST_POSTGRES";

    private readonly string _name;

    public TestDatabase(string? name = null) => _name = name ?? $"timmy_test_{Guid.NewGuid():N}";

    public static string? PostgresServer => Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } server ? server : null;

    public static bool IsPostgres => PostgresServer is not null;

    public string ConnectionString => PostgresServer is { } server
        ? new NpgsqlConnectionStringBuilder(server) { Database = _name, Pooling = true }.ConnectionString
        : $"Data Source={Path.Combine(Path.GetTempPath(), _name + ".db")}";

    /// <summary>Removes the database (the app creates it through its migrations on first start).</summary>
    public void Drop()
    {
        if (PostgresServer is { } server)
        {
            NpgsqlConnection.ClearAllPools();
            using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres" }.ConnectionString);
            connection.Open();
            using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)", connection);
            drop.ExecuteNonQuery();
            return;
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var path = Path.Combine(Path.GetTempPath(), _name + ".db");
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(path + suffix);
        }
    }
}
