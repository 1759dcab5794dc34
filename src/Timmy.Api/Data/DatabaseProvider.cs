using System.Data.Common;
using Npgsql;

namespace Timmy.Api.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Picks the provider from the connection string itself, so switching to PostgreSQL is one setting.</summary>
public static class DatabaseProviders
{
    public static DatabaseProvider Detect(string connectionString) =>
        IsPostgresUrl(connectionString) || connectionString.Contains("Host=", StringComparison.OrdinalIgnoreCase)
            ? DatabaseProvider.Postgres
            : DatabaseProvider.Sqlite;

    /// <summary>Statements Npgsql keeps prepared per connection unless the operator sets <c>Max Auto Prepare</c> itself.</summary>
    public const int DefaultMaxAutoPrepare = 64;

    /// <summary>
    /// The Npgsql connection string for a setting. Accepts the URL form too (<c>postgres://user:pass@host:5432/db</c>),
    /// as the original service's DATABASE_URL. Turns on Npgsql's automatic preparation, so the statements every job
    /// repeats are parsed and planned once per connection, not on every call (bench/RESULTS.md: +29–44% jobs/s at scale);
    /// an explicit <c>Max Auto Prepare</c> wins, so <c>Max Auto Prepare=0</c> turns it off (for example behind a
    /// PgBouncer in transaction mode without prepared-statement support).
    /// </summary>
    public static string ToNpgsql(string connectionString)
    {
        var isUrl = IsPostgresUrl(connectionString);
        var builder = isUrl ? FromUrl(connectionString) : new NpgsqlConnectionStringBuilder(connectionString);
        if (isUrl || !NamesSetting(connectionString, "MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = DefaultMaxAutoPrepare;
        }

        return builder.ConnectionString;
    }

    private static NpgsqlConnectionStringBuilder FromUrl(string connectionString)
    {
        var url = new Uri(connectionString);
        var credentials = url.UserInfo.Split(':', 2);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = url.Host,
            Port = url.IsDefaultPort || url.Port <= 0 ? 5432 : url.Port,
            Database = Uri.UnescapeDataString(url.AbsolutePath.TrimStart('/')),
            Username = Uri.UnescapeDataString(credentials[0]),
        };
        if (credentials.Length == 2)
        {
            builder.Password = Uri.UnescapeDataString(credentials[1]);
        }

        return builder;
    }

    /// <summary>Whether a key=value connection string sets this keyword, however it is spaced or cased.</summary>
    private static bool NamesSetting(string connectionString, string keyword) =>
        new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Any(key => string.Equals(key.Replace(" ", ""), keyword, StringComparison.OrdinalIgnoreCase));

    private static bool IsPostgresUrl(string value) =>
        value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);
}
