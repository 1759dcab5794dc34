using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Timmy.Api.Data;
using Timmy.Api.Data.Sqlite;
using Timmy.Api.Jobs;
using Timmy.Tests.Fakes;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Data;

/// <summary>
/// SQLite writers in one process queue at the <see cref="SqliteWriteGate"/> instead of colliding in SQLite
/// (whose busy retry sleeps threads): a transaction holds it to its end, however it ends, and reads never wait.
/// </summary>
public sealed class SqliteWriteGateTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly TimmyFactory _factory = new();

    [SkippableFact]
    public async Task A_write_waits_for_an_open_transaction_and_runs_once_it_commits()
    {
        Skip.If(TestDatabase.IsPostgres, "The gate is for SQLite's single writer");
        var jobId = await NewJobAsync();
        await using var first = Context();
        await using var second = Context();

        await using var transaction = await first.Db.Database.BeginTransactionAsync();
        await first.Db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(set => set.SetProperty(j => j.Request, "first"));
        var waiting = second.Db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(set => set.SetProperty(j => j.Request, "second"));
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted, "the second writer ran while the first transaction was open");
        Assert.Equal("first", await first.Db.Jobs.Where(j => j.Id == jobId).Select(j => j.Request).SingleAsync());

        await transaction.CommitAsync();
        Assert.Equal(1, await waiting.WaitAsync(Bound));
        Assert.Equal("second", await ReadRequestAsync(jobId));
    }

    /// <remarks>
    /// On a connection already open, EF reports the end of such a transaction to no interceptor (the connection stays
    /// open). A pooled context whose count of opens was left above zero (by a BEGIN that failed) ended its transactions
    /// this way, kept the gate, and held every other writer of the process for 60 s.
    /// </remarks>
    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_transaction_disposed_without_a_commit_hands_the_gate_on(bool connectionAlreadyOpen)
    {
        Skip.If(TestDatabase.IsPostgres, "The gate is for SQLite's single writer");
        var jobId = await NewJobAsync();
        await using var first = Context();
        if (connectionAlreadyOpen)
        {
            await first.Db.Database.OpenConnectionAsync();
        }

        await using (var transaction = await first.Db.Database.BeginTransactionAsync())
        {
            await first.Db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(set => set.SetProperty(j => j.Request, "rolled back"));
            Assert.True(first.Gate.IsHeldBy(first.Db));
        }

        Assert.False(first.Gate.IsHeldBy(first.Db));
        await using var second = Context();
        await second.Db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(set => set.SetProperty(j => j.Request, "after")).WaitAsync(Bound);
        Assert.Equal("after", await ReadRequestAsync(jobId));
    }

    [SkippableFact]
    public async Task A_begin_that_fails_hands_the_gate_on()
    {
        Skip.If(TestDatabase.IsPostgres, "The gate is for SQLite's single writer");
        var jobId = await NewJobAsync();
        await using var first = Context();
        // Another process holds SQLite's write lock, longer than this connection waits for it.
        await using (var otherProcess = new SqliteConnection(first.Db.Database.GetConnectionString()))
        {
            await otherProcess.OpenAsync();
            await using var held = await otherProcess.BeginTransactionAsync();
            await first.Db.Database.OpenConnectionAsync();
            ((SqliteConnection)first.Db.Database.GetDbConnection()).DefaultTimeout = 1;

            await Assert.ThrowsAsync<SqliteException>(() => first.Db.Database.BeginTransactionAsync());
            Assert.False(first.Gate.IsHeldBy(first.Db));
        }

        await using var second = Context();
        await second.Db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(set => set.SetProperty(j => j.Request, "after")).WaitAsync(Bound);
        Assert.Equal("after", await ReadRequestAsync(jobId));
    }

    [SkippableFact]
    public async Task A_statement_that_returns_rows_holds_the_gate_until_its_reader_is_done()
    {
        Skip.If(TestDatabase.IsPostgres, "The gate is for SQLite's single writer");
        await NewJobAsync();
        await using var scope = Context();

        // The worker's lease claim is one UPDATE … RETURNING.
        var leases = await new JobLeases(scope.Db, TimeProvider.System).ClaimAsync("test", 10, TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.Empty(leases);
        Assert.False(scope.Gate.IsHeldBy(scope.Db));
    }

    [SkippableFact]
    public async Task Reads_do_not_wait_for_a_writer()
    {
        Skip.If(TestDatabase.IsPostgres, "The gate is for SQLite's single writer");
        var jobId = await NewJobAsync();
        await using var writer = Context();
        await using var reader = Context();

        await using var transaction = await writer.Db.Database.BeginTransactionAsync();
        await writer.Db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(set => set.SetProperty(j => j.Request, "uncommitted"));

        Assert.Equal("What is a satoshi?", await reader.Db.Jobs.Where(j => j.Id == jobId).Select(j => j.Request).SingleAsync().WaitAsync(Bound));
    }

    [SkippableFact]
    public async Task Many_concurrent_creates_all_succeed()
    {
        Skip.If(TestDatabase.IsPostgres, "The gate is for SQLite's single writer");
        var client = _factory.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            client.PostAsJsonAsync("/api/jobs", new { request = $"Question {i}" })));

        Assert.All(responses, r => Assert.Equal(System.Net.HttpStatusCode.Created, r.StatusCode));
        Assert.Equal(200, await _factory.WithDbAsync(db => db.Jobs.CountAsync()));
    }

    [Theory]
    [InlineData("SELECT 1", false)]
    [InlineData("  select \"Id\" FROM jobs", false)]
    [InlineData("-- tag\nSELECT 1", false)]
    [InlineData("/* note */ SELECT 1", false)]
    [InlineData("PRAGMA busy_timeout", false)]
    [InlineData("EXPLAIN QUERY PLAN SELECT 1", false)]
    [InlineData("UPDATE jobs SET x = 1", true)]
    [InlineData("INSERT INTO jobs VALUES (1)", true)]
    [InlineData("DELETE FROM jobs", true)]
    [InlineData("-- SELECT\nDELETE FROM jobs", true)]
    [InlineData("WITH t AS (SELECT 1) UPDATE jobs SET x = 1", true)]
    [InlineData("SELECTED_ROWS()", true)]
    [InlineData("", true)]
    [InlineData(null, true)]
    public void Statements_are_told_apart_by_their_first_keyword(string? sql, bool mayWrite) =>
        Assert.Equal(mayWrite, SqlStatements.MayWrite(sql));

    public void Dispose() => _factory.Dispose();

    private async Task<Guid> NewJobAsync()
    {
        var created = await _factory.CreateClient().CreateJobAsync("What is a satoshi?");
        return Guid.Parse(created.Str("jobId"));
    }

    private Task<string> ReadRequestAsync(Guid jobId) =>
        _factory.WithDbAsync(db => db.Jobs.Where(j => j.Id == jobId).Select(j => j.Request).SingleAsync());

    private ScopedDb Context() => new(_factory.Services.CreateAsyncScope());

    private sealed class ScopedDb(AsyncServiceScope scope) : IAsyncDisposable
    {
        public TimmyDbContext Db { get; } = scope.ServiceProvider.GetRequiredService<TimmyDbContext>();

        public SqliteWriteGate Gate { get; } = scope.ServiceProvider.GetRequiredService<SqliteWriteGate>();

        public ValueTask DisposeAsync() => scope.DisposeAsync();
    }
}
