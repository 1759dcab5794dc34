using System.Threading.Channels;

namespace Timmy.Api.Data;

/// <summary>
/// Hands items queued by many callers to one loop, up to <paramref name="maxBatch"/> at a time: while one batch is
/// being handled, the next collects. The loop starts with the first item. <paramref name="handleAsync"/> must settle
/// every item of its batch itself and never throw, or the items queued after it would wait forever.
/// </summary>
public sealed class BatchQueue<T>(int maxBatch, Func<List<T>, Task> handleAsync) : IAsyncDisposable
{
    private readonly Channel<T> _queue = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _startLock = new();
    private Task? _loop;

    public void Add(T item)
    {
        if (!_queue.Writer.TryWrite(item))
        {
            throw new ObjectDisposedException(nameof(BatchQueue<T>));
        }

        EnsureRunning();
    }

    /// <summary>Takes no more items and waits for those already queued to be handled.</summary>
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
            _loop ??= RunWithoutCallersContext(HandleBatchesAsync);
        }
    }

    /// <summary>The loop outlives the caller that starts it, so it must not carry that caller's trace or log scopes.</summary>
    private static Task RunWithoutCallersContext(Func<Task> loop)
    {
        if (ExecutionContext.IsFlowSuppressed())
        {
            return Task.Run(loop);
        }

        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(loop);
        }
    }

    private async Task HandleBatchesAsync()
    {
        var batch = new List<T>(maxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < maxBatch && _queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            await handleAsync(batch);
            batch.Clear();
        }
    }
}
