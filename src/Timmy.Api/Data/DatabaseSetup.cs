using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Timmy.Api.Data;

public static class DatabaseSetup
{
    public const string ConnectionStringName = "Timmy";

    public static IServiceCollection AddTimmyDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString(ConnectionStringName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionStringName} is not set");

        if (DatabaseProviders.Detect(connectionString) == DatabaseProvider.Postgres)
        {
            // No retrying execution strategy: the state machine's explicit transactions must not be replayed blindly.
            services.AddDbContext<TimmyDbContext, PostgresTimmyDbContext>(options => options.UseNpgsql(DatabaseProviders.ToNpgsql(connectionString)));
        }
        else
        {
            services.AddDbContext<TimmyDbContext, SqliteTimmyDbContext>(options => options.UseSqlite(WithSqliteDefaults(connectionString)));
        }

        return services;
    }

    /// <summary>Applies migrations (instances starting together take turns under EF's migration lock); for SQLite also creates the folder and turns on WAL.</summary>
    public static async Task InitializeDatabaseAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TimmyDbContext>();

        if (db.Database.IsSqlite())
        {
            EnsureSqliteFolderExists(db.Database.GetConnectionString()!);
            // WAL lets pollers read while one writer commits; it is a property of the file, so set it once.
            await db.Database.OpenConnectionAsync();
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
            await db.Database.CloseConnectionAsync();
        }

        await db.Database.MigrateAsync();
    }

    private static string WithSqliteDefaults(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        // Concurrent writers wait for the lock rather than failing at once.
        if (builder.DefaultTimeout == 30)
        {
            builder.DefaultTimeout = 60;
        }

        return builder.ToString();
    }

    private static void EnsureSqliteFolderExists(string connectionString)
    {
        var dataSource = new SqliteConnectionStringBuilder(connectionString).DataSource;
        if (string.IsNullOrEmpty(dataSource) || dataSource == ":memory:" || dataSource.StartsWith("file:", StringComparison.Ordinal))
        {
            return;
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }
    }
}
