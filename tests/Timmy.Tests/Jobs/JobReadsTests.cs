using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Timmy.Api.Data;
using Timmy.Api.Jobs;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Jobs;

/// <summary>
/// Many looks at jobs asked for at once share a query, and each still gets exactly its own job as committed
/// before it asked.
/// </summary>
public sealed class JobReadsTests : IDisposable
{
    private readonly JobQueries _queries = new();
    private readonly TimmyFactory _factory;

    public JobReadsTests() =>
        _factory = new TimmyFactory
        {
            TestServices = services =>
            {
                // Each provider's context has its own options type.
                services.ConfigureDbContext<SqliteTimmyDbContext>(db => db.AddInterceptors(_queries));
                services.ConfigureDbContext<PostgresTimmyDbContext>(db => db.AddInterceptors(_queries));
            },
        };

    [Fact]
    public async Task Concurrent_looks_share_queries_and_each_gets_its_own_job()
    {
        var client = _factory.CreateClient();
        var created = new List<(string Id, string Hash)>();
        for (var i = 0; i < 40; i++)
        {
            var job = await client.CreateJobAsync($"Explain the Lightning Network, take {i}");
            created.Add((job.Str("jobId"), job.Str("evalInvoice", "paymentHash")));
        }

        var reads = _factory.Services.GetRequiredService<JobReads>();
        var unknown = Guid.NewGuid();
        var asked = created.SelectMany(job => Enumerable.Repeat(Guid.Parse(job.Id), 5)).Append(unknown).ToList();
        _queries.Reset();

        var looks = await Task.WhenAll(asked.Select(id => Task.Run(() => reads.ReadAsync(id, CancellationToken.None))));

        for (var i = 0; i < asked.Count - 1; i++)
        {
            Assert.Equal(asked[i], looks[i]!.Id);
            Assert.Equal(created[i / 5].Hash, Assert.Single(looks[i]!.Invoices).PaymentHash);
        }

        Assert.Null(looks[^1]);
        Assert.InRange(_queries.OfJobs, 1, asked.Count / 4);
    }

    [Fact]
    public async Task A_look_sees_a_move_committed_before_it_was_asked_for()
    {
        var client = _factory.CreateClient();
        var created = await client.CreateJobAsync("Explain the Lightning Network in two sentences");
        var jobId = Guid.Parse(created.Str("jobId"));
        var reads = _factory.Services.GetRequiredService<JobReads>();
        Assert.Equal(JobState.AwaitingEvalPayment, (await reads.ReadAsync(jobId, CancellationToken.None))!.State);

        await client.PayAsync(created.Str("evalInvoice", "paymentHash"));
        await client.PollUntilSettledAsync(jobId.ToString());

        Assert.Equal(JobState.AwaitingWorkPayment, (await reads.ReadAsync(jobId, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task A_failed_query_fails_its_looks_and_the_next_looks_are_answered()
    {
        var client = _factory.CreateClient();
        var jobId = Guid.Parse((await client.CreateJobAsync("Explain the Lightning Network in two sentences")).Str("jobId"));
        var reads = _factory.Services.GetRequiredService<JobReads>();

        _queries.FailNext = true;
        await Assert.ThrowsAsync<InvalidOperationException>(() => reads.ReadAsync(jobId, CancellationToken.None));

        Assert.Equal(jobId, (await reads.ReadAsync(jobId, CancellationToken.None))!.Id);
    }

    public void Dispose() => _factory.Dispose();

    /// <summary>Counts the queries that read jobs, and can make the next one fail as a broken database would.</summary>
    private sealed class JobQueries : DbCommandInterceptor
    {
        private readonly ConcurrentBag<string> _texts = [];

        public volatile bool FailNext;

        public int OfJobs => _texts.Count(text => ReadsJobs(text) && !text.StartsWith("UPDATE", StringComparison.Ordinal));

        public void Reset() => _texts.Clear();

        // SQLite's SQL quotes the table name; PostgreSQL's leaves a lowercase one bare.
        private static bool ReadsJobs(string sql) => Regex.IsMatch(sql, @"FROM ""?jobs""? ");

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (ReadsJobs(command.CommandText) && FailNext)
            {
                FailNext = false;
                throw new InvalidOperationException("The database is unavailable");
            }

            _texts.Add(command.CommandText);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }
    }
}
