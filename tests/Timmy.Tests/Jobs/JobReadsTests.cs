using Microsoft.Extensions.DependencyInjection;
using Timmy.Api.Jobs;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Jobs;

/// <summary>
/// Many looks at jobs asked for at once share a query, and each still gets exactly its own job as committed
/// before it asked.
/// </summary>
public sealed class JobReadsTests : IDisposable
{
    private readonly SqlLog _sql = new();
    private readonly TimmyFactory _factory;

    public JobReadsTests() => _factory = new TimmyFactory { TestServices = _sql.InstallIn };

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
        _sql.Clear();

        var looks = await Task.WhenAll(asked.Select(id => Task.Run(() => reads.ReadAsync(id, CancellationToken.None))));

        for (var i = 0; i < asked.Count - 1; i++)
        {
            Assert.Equal(asked[i], looks[i]!.Id);
            Assert.Equal(created[i / 5].Hash, Assert.Single(looks[i]!.Invoices).PaymentHash);
        }

        Assert.Null(looks[^1]);
        Assert.InRange(_sql.JobReads, 1, asked.Count / 4);
    }

    [Fact]
    public async Task A_look_asked_for_while_a_query_runs_waits_for_the_next_query_and_sees_a_move_committed_meanwhile()
    {
        var client = _factory.CreateClient();
        var jobId = await client.CreateJobIdAsync("Explain the Lightning Network in two sentences");
        var reads = _factory.Services.GetRequiredService<JobReads>();
        var held = _sql.HoldNextJobLook();
        var before = reads.ReadAsync(jobId, CancellationToken.None);
        await held;

        // The running query has its snapshot already; the move commits after it, and only then is the next look asked for.
        var transitions = _factory.Services.GetRequiredService<JobTransitions>();
        Assert.True(await transitions.TryMoveAsync(jobId, Job.EvalPaid, CancellationToken.None));
        var after = reads.ReadAsync(jobId, CancellationToken.None);
        _sql.Release();

        Assert.Equal(JobState.AwaitingEvalPayment, (await before)!.State);
        Assert.NotEqual(JobState.AwaitingEvalPayment, (await after)!.State);
    }

    [Fact]
    public async Task A_failed_query_fails_its_looks_and_the_next_looks_are_answered()
    {
        var client = _factory.CreateClient();
        var jobId = await client.CreateJobIdAsync("Explain the Lightning Network in two sentences");
        var reads = _factory.Services.GetRequiredService<JobReads>();

        _sql.FailNextJobLook = true;
        await Assert.ThrowsAsync<InvalidOperationException>(() => reads.ReadAsync(jobId, CancellationToken.None));

        Assert.Equal(jobId, (await reads.ReadAsync(jobId, CancellationToken.None))!.Id);
    }

    public void Dispose() => _factory.Dispose();
}
