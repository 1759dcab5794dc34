using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Timmy.Api.Data;
using Timmy.Api.Jobs;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Data;

/// <summary>Units of work from many callers share a transaction, but each succeeds or fails alone.</summary>
public sealed class GroupCommitTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly TimmyFactory _factory = new();

    [Fact]
    public async Task A_failing_unit_is_rolled_back_alone_and_the_rest_of_its_batch_commits()
    {
        var jobIds = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => NewJobAsync()));
        var commits = _factory.Services.GetRequiredService<GroupCommit>();

        // Hold the loop in one unit so the next three queue up and run as one batch.
        var release = new TaskCompletionSource();
        var blocker = commits.RunAsync(async _ => { await release.Task; return 0; }, CancellationToken.None);
        var first = commits.RunAsync(db => Rename(db, jobIds[0], "first"), CancellationToken.None);
        var failing = commits.RunAsync<int>(async db =>
        {
            await Rename(db, jobIds[1], "never");
            throw new InvalidOperationException("this unit fails after writing");
        }, CancellationToken.None);
        var third = commits.RunAsync(db => Rename(db, jobIds[2], "third"), CancellationToken.None);
        release.SetResult();

        await blocker.WaitAsync(Bound);
        Assert.Equal(1, await first.WaitAsync(Bound));
        Assert.Equal(1, await third.WaitAsync(Bound));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => failing.WaitAsync(Bound));
        Assert.Equal("this unit fails after writing", error.Message);
        var requests = await _factory.WithDbAsync(db => db.Jobs.ToDictionaryAsync(j => j.Id, j => j.Request));
        Assert.Equal("first", requests[jobIds[0]]);
        Assert.Equal("What is a satoshi?", requests[jobIds[1]]);
        Assert.Equal("third", requests[jobIds[2]]);
    }

    [Fact]
    public async Task Racing_moves_of_one_job_have_exactly_one_winner()
    {
        var jobId = await NewJobAsync();
        var transitions = _factory.Services.GetRequiredService<JobTransitions>();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ =>
            transitions.TryMoveAsync(jobId, JobState.AwaitingEvalPayment, JobState.Evaluating, null, CancellationToken.None)));

        Assert.Single(outcomes, won => won);
    }

    public void Dispose() => _factory.Dispose();

    private static Task<int> Rename(TimmyDbContext db, Guid jobId, string request) =>
        db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(set => set.SetProperty(j => j.Request, request));

    private async Task<Guid> NewJobAsync() =>
        Guid.Parse((await _factory.CreateClient().CreateJobAsync("What is a satoshi?")).Str("jobId"));
}
