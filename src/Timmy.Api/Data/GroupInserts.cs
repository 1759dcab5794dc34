using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;

namespace Timmy.Api.Data;

/// <summary>
/// Group commit for new rows. Callers that insert at the same moment share one transaction: while one batch
/// commits, the next collects, so a burst of job creations costs a few disk syncs instead of one each. A
/// caller's rows still land together or not at all, and its task completes only once they are committed.
/// If a batch fails (a unique key taken by a racing request, say), each caller's rows are retried alone, so
/// only the caller at fault sees the error.
/// </summary>
public sealed partial class GroupInserts(IServiceScopeFactory scopes, ILogger<GroupInserts> logger) : IAsyncDisposable
{
    private const int MaxBatch = 256;

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _startLock = new();
    private Task? _loop;

    /// <summary>Inserts <paramref name="rows"/> (with the entities they reference) in one transaction, usually shared with other callers.</summary>
    public Task InsertAsync(IReadOnlyList<object> rows, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new Pending(rows);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(GroupInserts));
        }

        EnsureRunning();
        // Once queued the rows are written even if this caller stops waiting: they are complete either way.
        return pending.Committed.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_loop is { } loop)
        {
            await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private void EnsureRunning()
    {
        if (_loop is not null)
        {
            return;
        }

        lock (_startLock)
        {
            _loop ??= Task.Run(CommitBatchesAsync);
        }
    }

    private async Task CommitBatchesAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            await CommitAsync(batch);
            batch.Clear();
        }
    }

    private async Task CommitAsync(List<Pending> batch)
    {
        try
        {
            await SaveAsync(batch);
            batch.ForEach(p => p.Committed.TrySetResult());
        }
        catch (Exception) when (batch.Count > 1)
        {
            // Someone's rows broke a constraint (or two callers brought the same key); find out whose by
            // committing each caller's rows alone.
            LogBatchRetried(batch.Count);
            foreach (var pending in batch)
            {
                await CommitAsync([pending]);
            }
        }
        catch (Exception ex)
        {
            batch.ForEach(p => p.Committed.TrySetException(ex));
        }
    }

    private async Task SaveAsync(List<Pending> batch)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TimmyDbContext>();
        foreach (var pending in batch)
        {
            foreach (var row in pending.Rows)
            {
                db.Add(row);
            }
        }

        await db.SaveChangesAsync(CancellationToken.None);
    }

    [LoggerMessage(LogLevel.Information, "A batch of {Count} inserts failed; committing each caller's rows alone")]
    private partial void LogBatchRetried(int count);

    private sealed class Pending(IReadOnlyList<object> rows)
    {
        public IReadOnlyList<object> Rows { get; } = rows;

        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
