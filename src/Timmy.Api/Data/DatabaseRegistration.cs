using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Timmy.Api.Data.Sqlite;

namespace Timmy.Api.Data;

public static class DatabaseRegistration
{
    public const string ConnectionStringName = "Timmy";

    public static IServiceCollection AddTimmyDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString(ConnectionStringName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionStringName} is not set");

        services.AddSingleton<GroupCommit>();
        // Pooled contexts with options built once: a context per request or background step stays cheap.
        if (DatabaseProviders.Detect(connectionString) == DatabaseProvider.Postgres)
        {
            // No retrying execution strategy: the state machine's explicit transactions must not be replayed blindly.
            var npgsql = DatabaseProviders.ToNpgsql(connectionString);
            services.AddDbContextPool<TimmyDbContext, PostgresTimmyDbContext>(options => options.UseNpgsql(npgsql).LogFailuresOnlyWhereUnhandled());
        }
        else
        {
            var sqlite = WithSqliteDefaults(connectionString);
            // This process's writers queue in memory for SQLite's single write lock (see SqliteWriteGate).
            services.AddSingleton(new SqliteWriteGate(TimeSpan.FromSeconds(sqlite.DefaultTimeout)));
            services.AddSingleton<SqliteWriteGateInterceptor>();
            services.AddDbContextPool<TimmyDbContext, SqliteTimmyDbContext>((provider, options) => options
                .UseSqlite(sqlite.ToString())
                .UseLeanSqliteConnections()
                .UseGatedTransactions()
                .AddInterceptors(provider.GetRequiredService<SqliteWriteGateInterceptor>())
                .LogFailuresOnlyWhereUnhandled());
        }

        return services;
    }

    /// <summary>
    /// EF logs every failed statement and save as an error, stack trace included, before the caller sees the exception
    /// (and on PostgreSQL a third time, as an error "using the connection"). Timmy expects some (a unique key that tells
    /// which of two racing requests won, a conditional insert that lost) and handles them; one it does not handle is
    /// logged where it surfaces (a failed group commit, a 500, readiness). So EF's own entries are kept at Debug, and
    /// an expected race does not fill the log with errors.
    /// </summary>
    private static DbContextOptionsBuilder LogFailuresOnlyWhereUnhandled(this DbContextOptionsBuilder options) =>
        options.ConfigureWarnings(warnings => warnings.Log(
            (RelationalEventId.CommandError, LogLevel.Debug),
            (RelationalEventId.ConnectionError, LogLevel.Debug),
            (CoreEventId.SaveChangesFailed, LogLevel.Debug)));

    /// <summary>
    /// Applies migrations (instances starting together take turns under EF's migration lock); for SQLite also creates
    /// the folder and the file for the owner only, and turns on WAL.
    /// </summary>
    public static async Task InitializeDatabaseAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TimmyDbContext>();

        if (db.Database.IsSqlite())
        {
            // The file holds the macaroon root key: owner-only, created so before SQLite opens it.
            var path = PrivateSqliteFile.PathOf(db.Database.GetConnectionString()!);
            if (path is not null)
            {
                PrivateSqliteFile.Prepare(path);
            }

            // WAL lets pollers read while one writer commits; it is a property of the file, so set it once.
            await db.Database.OpenConnectionAsync();
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
            if (path is not null)
            {
                PrivateSqliteFile.TightenCompanions(path);
            }

            await db.Database.CloseConnectionAsync();
        }

        // A current schema skips the migration pass: MigrateAsync would still diff the whole model against the last
        // migration (about 0.3 s of CPU at every start) to warn of a model change without one; MigrationTests checks that.
        if ((await db.Database.GetPendingMigrationsAsync()).Any())
        {
            await db.Database.MigrateAsync();
        }
    }

    private static SqliteConnectionStringBuilder WithSqliteDefaults(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        // Concurrent writers wait for the lock rather than failing at once.
        if (builder.DefaultTimeout == 30)
        {
            builder.DefaultTimeout = 60;
        }

        return builder;
    }
}
