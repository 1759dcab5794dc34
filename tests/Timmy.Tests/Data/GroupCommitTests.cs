using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Timmy.Api.Data;
using Timmy.Api.Jobs;
using Timmy.Api.Payments;
using Timmy.Api.Payments.Stub;
using Timmy.Tests.Fakes;
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

        // The three run as one batch: whole first, then (as one fails) unit by unit.
        var (hold, units) = await QueueHeldBatchAsync(commits, [
            db => Rename(db, jobIds[0], "first"),
            async db =>
            {
                await Rename(db, jobIds[1], "never");
                throw new InvalidOperationException("this unit fails after writing");
            },
            db => Rename(db, jobIds[2], "third")]);
        hold.SetResult();

        Assert.Equal(1, await units[0].WaitAsync(Bound));
        Assert.Equal(1, await units[2].WaitAsync(Bound));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => units[1].WaitAsync(Bound));
        Assert.Equal("this unit fails after writing", error.Message);
        var requests = await _factory.WithDbAsync(db => db.Jobs.ToDictionaryAsync(j => j.Id, j => j.Request));
        Assert.Equal("first", requests[jobIds[0]]);
        Assert.Equal("What is a satoshi?", requests[jobIds[1]]);
        Assert.Equal("third", requests[jobIds[2]]);
    }

    [Fact]
    public async Task Rows_a_failing_unit_added_but_never_saved_are_not_saved_by_the_rest_of_its_batch()
    {
        var commits = _factory.Services.GetRequiredService<GroupCommit>();
        var (kept, dropped) = (NewStubInvoice(), NewStubInvoice());

        var (hold, units) = await QueueHeldBatchAsync(commits, [
            async db =>
            {
                db.StubInvoices.Add(kept);
                return await db.SaveChangesAsync();
            },
            db =>
            {
                db.StubInvoices.Add(dropped);
                throw new InvalidOperationException("this unit fails before saving");
            }]);
        hold.SetResult();

        Assert.Equal(1, await units[0].WaitAsync(Bound));
        await Assert.ThrowsAsync<InvalidOperationException>(() => units[1].WaitAsync(Bound));
        var stored = await _factory.WithDbAsync(db => db.StubInvoices.Select(i => i.PaymentHash).ToListAsync());
        Assert.Contains(kept.PaymentHash, stored);
        Assert.DoesNotContain(dropped.PaymentHash, stored);
    }

    [Fact]
    public async Task A_lone_failing_unit_lets_other_writers_in_at_once()
    {
        var jobId = await NewJobAsync();
        var commits = _factory.Services.GetRequiredService<GroupCommit>();

        // A batch of one unit that writes and then throws (an idempotency key's losing insert, say) is rolled back.
        await Assert.ThrowsAsync<InvalidOperationException>(() => commits.RunAsync<int>(async db =>
        {
            await Rename(db, jobId, "never");
            throw new InvalidOperationException("this unit fails after writing");
        }, CancellationToken.None).WaitAsync(Bound));

        // A writer outside the group commit (a refund claim, a session credit) goes ahead without waiting for another batch.
        var renamed = _factory.WithDbAsync(db => Rename(db, jobId, "after"));
        Assert.Equal(1, await renamed.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("after", await _factory.WithDbAsync(db => db.Jobs.Where(j => j.Id == jobId).Select(j => j.Request).SingleAsync()));
    }

    [Fact]
    public async Task Racing_moves_of_one_job_have_exactly_one_winner()
    {
        var jobId = await NewJobAsync();
        var transitions = _factory.Services.GetRequiredService<JobTransitions>();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ =>
            transitions.TryMoveAsync(jobId, Job.EvalPaid, CancellationToken.None)));

        Assert.Single(outcomes, won => won);
    }

    [Fact]
    public async Task After_its_connection_breaks_the_batch_fails_and_later_batches_run_on_a_fresh_one()
    {
        var jobId = await NewJobAsync();
        var commits = _factory.Services.GetRequiredService<GroupCommit>();
        await commits.RunAsync(db => Rename(db, jobId, "before"), CancellationToken.None).WaitAsync(Bound);

        // The batches' connection stays open between batches; here it dies in the middle of one.
        var broken = commits.RunAsync(async db =>
        {
            await Rename(db, jobId, "lost with the connection");
            if (TestDatabase.IsPostgres)
            {
                await db.Database.ExecuteSqlRawAsync("SELECT pg_terminate_backend(pg_backend_pid())");
            }

            await db.Database.GetDbConnection().CloseAsync();
            return 0;
        }, CancellationToken.None);

        // The driver's own error for the lost connection, never a timeout or anything else: SQLite finds its
        // transaction completed under it; PostgreSQL reports the terminated backend (57P01), wrapped by Npgsql in the
        // ObjectDisposedException of the transaction the batch then tries to roll back.
        if (TestDatabase.IsPostgres)
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() => broken.WaitAsync(Bound));
            Assert.Contains(Chain(error), e => e is Npgsql.PostgresException { SqlState: "57P01" });
        }
        else
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => broken.WaitAsync(Bound));
            Assert.Contains("SqliteTransaction has completed", error.Message);
        }

        Assert.Equal(1, await commits.RunAsync(db => Rename(db, jobId, "after"), CancellationToken.None).WaitAsync(Bound));
        Assert.Equal("after", await _factory.WithDbAsync(db => db.Jobs.Where(j => j.Id == jobId).Select(j => j.Request).SingleAsync()));
    }

    /// <param name="unitByUnit">
    /// Whether each batch starts with a unit that fails its first run, so that the deadlock comes while the batch runs
    /// unit by unit (each in its savepoint) rather than as a whole.
    /// </param>
    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_deadlock_between_two_instances_batches_is_resolved_by_running_its_victim_again(bool unitByUnit)
    {
        Skip.IfNot(TestDatabase.IsPostgres, "Only PostgreSQL is shared by instances; SQLite has one writer at a time");
        using var other = new TimmyFactory { DatabaseName = _factory.DatabaseName, KeepDatabase = true };
        var (first, second) = (await NewJobAsync(), await NewJobAsync());
        var (mine, theirs) = (_factory.Services.GetRequiredService<GroupCommit>(), other.Services.GetRequiredService<GroupCommit>());
        TaskCompletionSource myLock = new(TaskCreationOptions.RunContinuationsAsynchronously), theirLock = new(TaskCreationOptions.RunContinuationsAsynchronously);

        // Each instance's batch locks one job, waits until the other has locked the other job, then wants it too:
        // a deadlock, and the server aborts one of the two waiting units.
        var (myHold, myUnits) = await QueueHeldBatchAsync(mine, [
            FailsFirstRun(unitByUnit),
            db => LockThenWaitAsync(db, first, myLock, theirLock.Task),
            db => CountAsync(db, second)]);
        var (theirHold, theirUnits) = await QueueHeldBatchAsync(theirs, [
            FailsFirstRun(unitByUnit),
            db => LockThenWaitAsync(db, second, theirLock, myLock.Task),
            db => CountAsync(db, first)]);
        myHold.SetResult();
        theirHold.SetResult();

        // Every unit happens exactly once, the victim's after the other side committed: each job is counted twice.
        var rows = await Task.WhenAll(myUnits.Concat(theirUnits)).WaitAsync(Bound);
        Assert.Equal([0, 1, 1, 0, 1, 1], rows);
        var counts = await _factory.WithDbAsync(db => db.Jobs.ToDictionaryAsync(j => j.Id, j => j.Attempts));
        Assert.Equal((2, 2), (counts[first], counts[second]));
    }

    [SkippableFact]
    public async Task Two_instances_batches_keyed_by_the_rows_they_lock_take_them_in_one_order_and_never_deadlock()
    {
        Skip.IfNot(TestDatabase.IsPostgres, "Only PostgreSQL is shared by instances; SQLite has one writer at a time");
        using var other = new TimmyFactory { DatabaseName = _factory.DatabaseName, KeepDatabase = true };
        var (first, second) = (await NewJobAsync(), await NewJobAsync());
        var (mine, theirs) = (_factory.Services.GetRequiredService<GroupCommit>(), other.Services.GetRequiredService<GroupCommit>());
        TaskCompletionSource myLock = new(TaskCreationOptions.RunContinuationsAsynchronously), theirLock = new(TaskCreationOptions.RunContinuationsAsynchronously);
        var runs = new int[4];

        // The units come in opposite orders. Run as they came, each batch would lock one job, see the other batch lock
        // the other (the rendezvous), and then want it: a deadlock. In key order both batches start with the job whose id
        // sorts first, so one waits for the other's commit (its rendezvous gives up after a while) and no unit runs twice.
        var myUnits = await QueueHeldKeyedBatchAsync(mine, [
            (second, db => Counted(runs, 0, LockThenWaitAsync(db, second, myLock, theirLock.Task, giveUpAfter: TimeSpan.FromSeconds(2)))),
            (first, db => Counted(runs, 1, CountAsync(db, first)))]);
        var theirUnits = await QueueHeldKeyedBatchAsync(theirs, [
            (first, db => Counted(runs, 2, LockThenWaitAsync(db, first, theirLock, myLock.Task, giveUpAfter: TimeSpan.FromSeconds(2)))),
            (second, db => Counted(runs, 3, CountAsync(db, second)))]);
        myUnits.Hold.SetResult();
        theirUnits.Hold.SetResult();

        var rows = await Task.WhenAll(myUnits.Units.Concat(theirUnits.Units)).WaitAsync(Bound);
        Assert.Equal([1, 1, 1, 1], rows);
        Assert.Equal([1, 1, 1, 1], runs);
    }

    public void Dispose() => _factory.Dispose();

    private static async Task<int> Counted(int[] runs, int unit, Task<int> work)
    {
        Interlocked.Increment(ref runs[unit]);
        return await work;
    }

    /// <summary>As <see cref="QueueHeldBatchAsync"/>, each unit keyed by the job it locks.</summary>
    private static async Task<(TaskCompletionSource Hold, List<Task<int>> Units)> QueueHeldKeyedBatchAsync(
        GroupCommit commits, (Guid JobId, Func<TimmyDbContext, Task<int>> Work)[] units)
    {
        var (hold, _) = await QueueHeldBatchAsync(commits, []);
        return (hold, units.Select(unit => commits.RunAsync(unit.Work, CancellationToken.None, unit.JobId.ToString())).ToList());
    }

    /// <summary>
    /// Queues <paramref name="units"/> behind a held unit, so that they run as one batch once it is let go: they are
    /// queued only once the held unit runs, so none of them can join its batch.
    /// </summary>
    private static async Task<(TaskCompletionSource Hold, List<Task<int>> Units)> QueueHeldBatchAsync(
        GroupCommit commits, Func<TimmyDbContext, Task<int>>[] units)
    {
        var (started, hold) = (new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), new TaskCompletionSource());
        _ = commits.RunAsync(async _ => { started.SetResult(); await hold.Task; return 0; }, CancellationToken.None);
        await started.Task.WaitAsync(Bound);
        return (hold, units.Select(unit => commits.RunAsync(unit, CancellationToken.None)).ToList());
    }

    private static Func<TimmyDbContext, Task<int>> FailsFirstRun(bool fails)
    {
        var runs = 0;
        return _ => fails && Interlocked.Increment(ref runs) == 1
            ? throw new InvalidOperationException("fails its first run only")
            : Task.FromResult(0);
    }

    private static async Task<int> LockThenWaitAsync(
        TimmyDbContext db, Guid jobId, TaskCompletionSource locked, Task otherLocked, TimeSpan? giveUpAfter = null)
    {
        var rows = await CountAsync(db, jobId);
        locked.TrySetResult();
        if (giveUpAfter is { } patience)
        {
            await Task.WhenAny(otherLocked, Task.Delay(patience));
        }
        else
        {
            await otherLocked.WaitAsync(Bound);
        }

        return rows;
    }

    /// <summary>Counts a unit's run in the job's attempts (no worker touches a job awaiting payment).</summary>
    private static Task<int> CountAsync(TimmyDbContext db, Guid jobId) =>
        db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(set => set.SetProperty(j => j.Attempts, j => j.Attempts + 1));

    private static Task<int> Rename(TimmyDbContext db, Guid jobId, string request) =>
        db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(set => set.SetProperty(j => j.Request, request));

    private static StubInvoice NewStubInvoice()
    {
        var (preimage, hash) = PaymentHash.NewPreimage();
        var now = DateTimeOffset.UtcNow;
        return new StubInvoice
        {
            PaymentHash = hash, Preimage = preimage, PaymentRequest = $"lnbcrt10u1stub_{hash[..16]}", AmountSats = 10,
            Memo = "group commit test", CreatedAt = now, ExpiresAt = now.AddHours(1),
        };
    }

    private Task<Guid> NewJobAsync() => _factory.CreateClient().CreateJobIdAsync();

    private static IEnumerable<Exception> Chain(Exception? error)
    {
        for (; error is not null; error = error.InnerException)
        {
            yield return error;
        }
    }
}
