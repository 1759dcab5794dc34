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

    /// <summary>Accepts the URL form too (<c>postgres://user:pass@host:5432/db</c>), as the original service's DATABASE_URL.</summary>
    public static string ToNpgsql(string connectionString)
    {
        if (!IsPostgresUrl(connectionString))
        {
            return connectionString;
        }

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

        return builder.ConnectionString;
    }

    private static bool IsPostgresUrl(string value) =>
        value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);
}
