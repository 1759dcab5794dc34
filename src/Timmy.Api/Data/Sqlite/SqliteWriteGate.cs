using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Timmy.Api.Data.Sqlite;

/// <summary>
/// One writer at a time in this process, queued without blocking a thread. SQLite allows one writer per file;
/// when two connections collide, the loser gets SQLITE_BUSY and Microsoft.Data.Sqlite retries by sleeping the
/// thread, so under load writers burn thread-pool threads sleeping instead of queueing. With the gate they wait
/// asynchronously and SQLite never sees two writers from this process. (Other processes on the same file still
/// meet SQLite's own busy handling.) A DbContext (one connection) holds the gate for one write statement or one transaction;
/// <see cref="SqliteWriteGateInterceptor"/> takes and returns it.
/// </summary>
public sealed class SqliteWriteGate(TimeSpan maxWait)
{
    private const int SqliteBusy = 5;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConditionalWeakTable<DbContext, Holding> _holders = new();

    /// <summary>Whether <paramref name="holder"/> holds the gate now (for tests and assertions).</summary>
    public bool IsHeldBy(DbContext holder) => _holders.TryGetValue(holder, out var holding) && holding.IsHeld;

    /// <summary>Takes the gate for <paramref name="holder"/> unless it holds it already.</summary>
    public async ValueTask EnterAsync(DbContext holder, CancellationToken cancellationToken)
    {
        if (NotYetHolding(holder) is { } holding)
        {
            holding.IsHeld = await _gate.WaitAsync(maxWait, cancellationToken) ? true : throw Busy();
        }
    }

    /// <inheritdoc cref="EnterAsync"/>
    public void Enter(DbContext holder)
    {
        if (NotYetHolding(holder) is { } holding)
        {
            holding.IsHeld = _gate.Wait(maxWait) ? true : throw Busy();
        }
    }

    /// <summary>Returns the gate if <paramref name="holder"/> holds it; harmless otherwise, so every exit path may call it.</summary>
    public void Exit(DbContext holder)
    {
        if (_holders.TryGetValue(holder, out var holding) && holding.IsHeld)
        {
            holding.IsHeld = false;
            _gate.Release();
        }
    }

    /// <summary>The holder's record, or null when it holds the gate already (a statement inside its transaction).</summary>
    private Holding? NotYetHolding(DbContext holder)
    {
        var holding = _holders.GetOrCreateValue(holder);
        return holding.IsHeld ? null : holding;
    }

    private SqliteException Busy() =>
        new($"database is locked: waited {maxWait.TotalSeconds:0} s for this process's other writers", SqliteBusy);

    /// <summary>A DbContext is used by one caller at a time, so its flag needs no lock of its own.</summary>
    private sealed class Holding
    {
        public bool IsHeld { get; set; }
    }
}
