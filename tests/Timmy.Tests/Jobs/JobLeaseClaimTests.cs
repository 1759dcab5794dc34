using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Timmy.Api.Data;
using Timmy.Tests.Fakes;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Jobs;

/// <summary>
/// A worker's lease claim shares the group commit's transactions (on its own, each claim was a commit and a disk
/// sync under SQLite's write lock), and on SQLite it finds leasable jobs by index ranges, without walking every job
/// that is leased and at the model.
/// </summary>
public sealed class JobLeaseClaimTests : IDisposable
{
    private readonly ClaimLog _claims = new();
    private readonly TimmyFactory _factory;

    public JobLeaseClaimTests() => _factory = new TimmyFactory { TestServices = _claims.InstallIn };

    [Fact]
    public async Task A_claim_runs_inside_a_shared_transaction()
    {
        var completed = await _factory.CreateClient().RunJobAsync("What is a satoshi?");

        Assert.Equal("complete", completed.Str("state"));
        Assert.NotEmpty(_claims.Seen);
        Assert.All(_claims.Seen, claim => Assert.True(claim.InTransaction, "a claim ran as a transaction of its own"));
    }

    [SkippableFact]
    public async Task On_sqlite_a_claim_searches_the_lease_index_by_ranges_and_never_walks_a_whole_state()
    {
        Skip.If(TestDatabase.IsPostgres, "SQLite's query plan");
        await _factory.CreateClient().RunJobAsync("What is a satoshi?");
        var claim = _claims.Seen.First().Sql;

        var plan = await _factory.WithDbAsync(db => ExplainAsync(db, claim));

        Assert.Contains(plan, step => step.Contains("(State=? AND LeaseExpiresAt=?)", StringComparison.Ordinal));
        Assert.Contains(plan, step => step.Contains("(State=? AND LeaseExpiresAt<?)", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.EndsWith("(State=?)", StringComparison.Ordinal));
    }

    public void Dispose() => _factory.Dispose();

    /// <summary>SQLite's plan for a statement, a step per line; its parameters may stay unbound for planning.</summary>
    private static async Task<List<string>> ExplainAsync(TimmyDbContext db, string sql)
    {
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + sql;
        await using var steps = await explain.ExecuteReaderAsync();
        var plan = new List<string>();
        while (await steps.ReadAsync())
        {
            plan.Add(steps.GetString(steps.GetOrdinal("detail")));
        }

        return plan;
    }

    /// <summary>Records each lease claim the app sends, and whether it ran inside a transaction.</summary>
    private sealed class ClaimLog : DbCommandInterceptor
    {
        public ConcurrentQueue<(string Sql, bool InTransaction)> Seen { get; } = new();

        public void InstallIn(IServiceCollection services)
        {
            services.ConfigureDbContext<SqliteTimmyDbContext>(db => db.AddInterceptors(this));
            services.ConfigureDbContext<PostgresTimmyDbContext>(db => db.AddInterceptors(this));
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("SET \"LeaseOwner\" =", StringComparison.Ordinal) && command.CommandText.Contains("RETURNING", StringComparison.Ordinal))
            {
                Seen.Enqueue((command.CommandText, command.Transaction is not null));
            }

            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }
    }
}
