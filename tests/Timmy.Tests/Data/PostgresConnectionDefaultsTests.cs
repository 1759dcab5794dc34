using Microsoft.EntityFrameworkCore;
using Npgsql;
using Timmy.Api.Data;
using Timmy.Tests.Fakes;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Data;

/// <summary>
/// On PostgreSQL, Npgsql prepares the statements Timmy repeats (parse and plan once per connection), unless the
/// operator's connection string says how many to keep itself.
/// </summary>
public sealed class PostgresConnectionDefaultsTests
{
    [Theory]
    [InlineData("Host=db;Database=timmy;Username=u;Password=p")]
    [InlineData("postgres://u:p@db:5433/timmy")]
    public void Automatic_preparation_is_on_by_default(string setting)
    {
        var npgsql = new NpgsqlConnectionStringBuilder(DatabaseProviders.ToNpgsql(setting));

        Assert.Equal(DatabaseProviders.DefaultMaxAutoPrepare, npgsql.MaxAutoPrepare);
        Assert.Equal(("db", "timmy", "u", "p"), (npgsql.Host, npgsql.Database, npgsql.Username, npgsql.Password));
    }

    [Theory]
    [InlineData("Host=db;Database=timmy;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;Database=timmy;maxautoprepare=10", 10)]
    [InlineData("Host=db;Database=timmy; MAX AUTO PREPARE = 20 ", 20)]
    public void An_explicit_setting_wins(string setting, int expected)
    {
        var npgsql = new NpgsqlConnectionStringBuilder(DatabaseProviders.ToNpgsql(setting));

        Assert.Equal(expected, npgsql.MaxAutoPrepare);
    }

    [Fact]
    public void The_url_form_keeps_its_port()
    {
        var npgsql = new NpgsqlConnectionStringBuilder(DatabaseProviders.ToNpgsql("postgresql://u@db:5433/timmy"));

        Assert.Equal((5433, (string?)null), (npgsql.Port, npgsql.Password));
    }

    [SkippableFact]
    public async Task The_apps_postgres_connections_prepare_what_they_repeat()
    {
        Skip.IfNot(TestDatabase.IsPostgres, "PostgreSQL only");
        using var factory = new TimmyFactory();
        await factory.CreateClient().CreateJobIdAsync();

        var prepared = await factory.WithDbAsync(async db =>
        {
            await db.Database.OpenConnectionAsync();
            try
            {
                // The same lookup, more times than Npgsql's usage threshold, on one connection.
                for (var i = 0; i < 6; i++)
                {
                    await db.Jobs.AsNoTracking().Where(j => j.Id == Guid.NewGuid()).ToListAsync();
                }

                return await db.Database.SqlQueryRaw<int>("SELECT count(*)::int AS \"Value\" FROM pg_prepared_statements").SingleAsync();
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        });

        Assert.True(prepared > 0, "no statement was prepared");
    }
}
