using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Timmy.Api.Data;

/// <summary>
/// Group commit. Short units of database work from many callers run one after another in one transaction,
/// so a burst of job creations, payments and state moves costs a few disk syncs instead of one each: while
/// one batch commits, the next collects. If a unit throws, the batch is rolled back and run again with each unit
/// in its own savepoint, so that unit is rolled back alone and only its caller sees the error; a caller's task
/// completes (or fails) once the batch holding its unit has committed. Units may therefore run more than once
/// and must do nothing but their database work. Units get the batch's DbContext and must not wait on anything but
/// that database: not on the network, and not on another unit (which would wait for the batch that is waiting for
/// it). Nor may a caller inside its own SQLite transaction wait on a unit: the batch needs the write gate it holds.
/// On PostgreSQL, batches of several instances can want the same rows. A unit may name the rows it updates with a
/// lock key (a job's id, say), and a batch runs its units in key order, so batches lock such rows in one order rather
/// than deadlock: the server finds a deadlock only after its deadlock timeout (a second by default), and the whole
/// batch waits that long. Units of one key should lock existing rows in one order too: a job's units update its
/// invoice, if at all, before the job. Where a deadlock still comes (between units without a key), the unit the server
/// picks as its victim is rolled back alone and run again in a later batch, once the other side has committed.
/// Batches run on one long-lived context. On SQLite its connection stays open, so the hot statements' prepared
/// commands are kept from batch to batch (<see cref="HotStatements"/>); on PostgreSQL each batch takes a connection
/// from Npgsql's pool, which prunes idle ones, rather than keep one a server or proxy may close while it idles. A
/// batch whose transaction fails gets a fresh context for the next.
/// </summary>
public sealed partial class GroupCommit(IServiceScopeFactory scopes, ILogger<GroupCommit> logger) : IAsyncDisposable
{
    private const int MaxBatch = 256;
    private const int MaxConflictReruns = 5;
    private const string UnitSavepoint = "timmy_unit";

    private BatchQueue<Unit>? _units;
    private AsyncServiceScope? _writerScope;
    private TimmyDbContext? _writer;

    /// <summary>Created on first use: a primary constructor's field initializers cannot name instance methods.</summary>
    private BatchQueue<Unit> Units => LazyInitializer.EnsureInitialized(ref _units, () => new BatchQueue<Unit>(MaxBatch, CommitAsync));

    /// <summary>Runs <paramref name="work"/> in a shared transaction and returns its result once that has committed.</summary>
    /// <param name="lockKey">
    /// Names the rows <paramref name="work"/> updates, the same for every unit that updates them. A batch runs its
    /// units in ordinal order of their keys (units without one first, in the order they came), so two instances'
    /// batches take such rows' locks in the same order.
    /// </param>
    public Task<T> RunAsync<T>(Func<TimmyDbContext, Task<T>> work, CancellationToken cancellationToken, string? lockKey = null)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var unit = new Unit<T>(work) { LockKey = lockKey };
        Units.Add(unit);
        // Once queued the unit runs even if this caller stops waiting: it is whole either way.
        return unit.Result.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Inserts <paramref name="rows"/> (with the entities they reference) together.</summary>
    public Task InsertAsync(IReadOnlyList<object> rows, CancellationToken cancellationToken) =>
        RunAsync(async db =>
        {
            db.AddRange(rows);
            return await db.SaveChangesAsync(CancellationToken.None);
        }, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Units.DisposeAsync();
        await DropWriterAsync();
    }

    private async Task CommitAsync(List<Unit> arrived)
    {
        var batch = InLockOrder(arrived);
        var done = new List<Unit>(batch.Count);
        var failed = new List<(Unit Unit, Exception Error)>();
        var again = new List<Unit>();
        try
        {
            // Most batches have no failing unit: they run whole, without a savepoint per unit (two more statements
            // each, two more round trips on PostgreSQL). Only if a unit throws does the batch run again unit by unit.
            if (await InTransactionAsync((db, _) => RunWholeAsync(db, batch, failed)))
            {
                done.AddRange(batch);
            }
            else if (failed.Count == 0)
            {
                await InTransactionAsync((db, transaction) => RunUnitByUnitAsync(db, transaction, batch, done, failed, again));
            }
        }
        catch (Exception ex)
        {
            // The transaction itself failed (the database is down, say, or the commit): no unit in it is known to
            // have happened, and none runs again, as a failed commit may still have happened.
            LogBatchFailed(ex, batch.Count);
            batch.ForEach(unit => unit.Fail(ex));
            // Its connection may be broken: the next batch starts on a fresh one.
            await DropWriterAsync();
            return;
        }

        // Failures too are told only now: a unit that lost a race to another in the same batch (a unique key,
        // say) must find the winner's rows committed when its caller looks them up.
        done.ForEach(unit => unit.Complete());
        failed.ForEach(f => f.Unit.Fail(f.Error));
        if (again.Count > 0)
        {
            LogConflictsRetried(again.Count);
            again.ForEach(RunAgain);
        }
    }

    /// <summary>The batch in lock-key order; a stable sort, so units of one key keep the order they came in.</summary>
    private static List<Unit> InLockOrder(List<Unit> arrived) =>
        arrived.Exists(unit => unit.LockKey is not null) ? arrived.OrderBy(unit => unit.LockKey, StringComparer.Ordinal).ToList() : arrived;

    /// <summary>Runs <paramref name="work"/> in the batch's own context and transaction, committing only if it says so.</summary>
    private async Task<bool> InTransactionAsync(Func<TimmyDbContext, IDbContextTransaction, Task<bool>> work)
    {
        var db = await WriterAsync();
        // The context outlives its runs: this one starts from nothing tracked, whatever a unit that threw left behind.
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        if (!await work(db, transaction))
        {
            // Rolled back now, not at the dispose below: other writers need not wait for this batch's cleanup.
            await transaction.RollbackAsync(CancellationToken.None);
            return false;
        }

        await transaction.CommitAsync(CancellationToken.None);
        return true;
    }

    /// <summary>The batches' context; on SQLite its connection is opened once and kept open.</summary>
    private async Task<TimmyDbContext> WriterAsync()
    {
        if (_writer is null)
        {
            var scope = scopes.CreateAsyncScope();
            _writerScope = scope;
            _writer = scope.ServiceProvider.GetRequiredService<TimmyDbContext>();
            // Units run either whole or each in the batch's savepoint; EF need not add its own around a unit's SaveChanges.
            _writer.Database.AutoSavepointsEnabled = false;
            if (_writer.Database.IsSqlite())
            {
                await _writer.Database.OpenConnectionAsync(CancellationToken.None);
            }
        }

        return _writer;
    }

    private async Task DropWriterAsync()
    {
        _writer = null;
        if (_writerScope is { } scope)
        {
            _writerScope = null;
            await scope.DisposeAsync();
        }
    }

    /// <summary>
    /// Every unit in one go; false (to be rolled back) if one threw. A lone unit has no others to save, so unless it
    /// lost a lock conflict it is recorded as failed rather than run again.
    /// </summary>
    private static async Task<bool> RunWholeAsync(TimmyDbContext db, List<Unit> batch, List<(Unit Unit, Exception Error)> failed)
    {
        try
        {
            foreach (var unit in batch)
            {
                await unit.RunAsync(db);
                db.ChangeTracker.Clear();
            }

            return true;
        }
        catch (Exception ex) when (batch.Count == 1 && !IsConflict(ex))
        {
            failed.Add((batch[0], ex));
            return false;
        }
        catch (Exception)
        {
            return false;
        }
    }

    /// <summary>Each unit in its own savepoint, so one that throws is rolled back alone; a conflict's victim runs again later.</summary>
    private static async Task<bool> RunUnitByUnitAsync(
        TimmyDbContext db, IDbContextTransaction transaction, List<Unit> batch,
        List<Unit> done, List<(Unit Unit, Exception Error)> failed, List<Unit> again)
    {
        foreach (var unit in batch)
        {
            await transaction.CreateSavepointAsync(UnitSavepoint, CancellationToken.None);
            try
            {
                await unit.RunAsync(db);
                await transaction.ReleaseSavepointAsync(UnitSavepoint, CancellationToken.None);
                done.Add(unit);
            }
            catch (Exception ex)
            {
                await transaction.RollbackToSavepointAsync(UnitSavepoint, CancellationToken.None);
                await transaction.ReleaseSavepointAsync(UnitSavepoint, CancellationToken.None);
                if (IsConflict(ex) && unit.Conflicts++ < MaxConflictReruns)
                {
                    again.Add(unit);
                }
                else
                {
                    failed.Add((unit, ex));
                }
            }
            finally
            {
                // The next unit starts from a clean context, whatever this one tracked.
                db.ChangeTracker.Clear();
            }
        }

        return true;
    }

    /// <summary>A deadlock victim or a serialization failure: nothing of the unit happened, and it may simply run again.</summary>
    private static bool IsConflict(Exception ex)
    {
        for (Exception? cause = ex; cause is not null; cause = cause.InnerException)
        {
            if (cause is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure })
            {
                return true;
            }
        }

        return false;
    }

    private void RunAgain(Unit unit)
    {
        try
        {
            Units.Add(unit);
        }
        catch (ObjectDisposedException ex)
        {
            // Shutting down: the unit did not happen, and its caller is told so.
            unit.Fail(ex);
        }
    }

    [LoggerMessage(LogLevel.Warning, "A group commit of {Count} units failed; each caller gets the error")]
    private partial void LogBatchFailed(Exception ex, int count);

    [LoggerMessage(LogLevel.Information, "{Count} units lost a lock conflict with another transaction; they run again in the next batch")]
    private partial void LogConflictsRetried(int count);

    private abstract class Unit
    {
        /// <summary>Orders the unit in its batch; see <see cref="RunAsync{T}"/>.</summary>
        public string? LockKey { get; init; }

        /// <summary>How many times the unit was rolled back by a lock conflict.</summary>
        public int Conflicts { get; set; }

        public abstract Task RunAsync(TimmyDbContext db);

        public abstract void Complete();

        public abstract void Fail(Exception ex);
    }

    private sealed class Unit<T>(Func<TimmyDbContext, Task<T>> work) : Unit
    {
        private T _value = default!;

        public TaskCompletionSource<T> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async Task RunAsync(TimmyDbContext db) => _value = await work(db);

        public override void Complete() => Result.TrySetResult(_value);

        public override void Fail(Exception ex) => Result.TrySetException(ex);
    }
}
