namespace Timmy.Api.Data;

/// <summary>
/// Looks rows up by key, many in one query when many are asked for at once. When thousands of jobs move together,
/// each look would otherwise pay for its own query (a context, a command, a round trip) and hold a pooled context
/// while it waits. Here a look waits only for the query already running, if any, and the next query takes every look
/// queued meanwhile. A look always starts after it was asked for, so it sees every write committed before then. The
/// rows are untracked and shared by the looks of one query: read-only.
/// </summary>
/// <param name="query">Reads the rows with these keys (each key once); a key with no row is simply absent.</param>
public sealed class BatchedLookup<TKey, TRow>(
    IServiceScopeFactory scopes,
    Func<TimmyDbContext, List<TKey>, Task<List<TRow>>> query,
    Func<TRow, TKey> keyOf) : IAsyncDisposable
    where TKey : notnull
    where TRow : class
{
    private const int MaxBatch = 256;

    private BatchQueue<Look>? _looks;

    /// <summary>Created on first use: a primary constructor's field initializers cannot name instance methods.</summary>
    private BatchQueue<Look> Looks => LazyInitializer.EnsureInitialized(ref _looks, () => new BatchQueue<Look>(MaxBatch, ReadAsync));

    /// <summary>The row as stored; null if there is none.</summary>
    public Task<TRow?> FindAsync(TKey key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var look = new Look(key);
        Looks.Add(look);
        return look.Result.Task.WaitAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => Looks.DisposeAsync();

    private async Task ReadAsync(List<Look> batch)
    {
        try
        {
            var keys = batch.Select(look => look.Key).Distinct().ToList();
            await using var scope = scopes.CreateAsyncScope();
            var found = (await query(scope.ServiceProvider.GetRequiredService<TimmyDbContext>(), keys)).ToDictionary(keyOf);
            batch.ForEach(look => look.Result.TrySetResult(found.GetValueOrDefault(look.Key)));
        }
        catch (Exception ex)
        {
            // The database is unavailable, say: every look in this batch fails as its own query would have.
            batch.ForEach(look => look.Result.TrySetException(ex));
        }
    }

    private sealed class Look(TKey key)
    {
        public TKey Key { get; } = key;

        public TaskCompletionSource<TRow?> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
