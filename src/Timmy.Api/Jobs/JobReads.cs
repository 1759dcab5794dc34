using Microsoft.EntityFrameworkCore;
using Timmy.Api.Data;
using Timmy.Api.Hosting;

namespace Timmy.Api.Jobs;

/// <summary>
/// Loads jobs with their invoices, many in one query when many are asked for at once. Polls, event streams,
/// the invoice watcher and the workers all look at jobs; when thousands move together each would pay for its own
/// query (a context, a command, a round trip). Here a look waits only for the query already running, if any,
/// and the next query takes every look queued meanwhile. A look always starts after it was asked for, so it sees
/// every move committed before then. The jobs are untracked and shared by the looks of one query: read-only.
/// </summary>
public sealed class JobReads(IServiceScopeFactory scopes) : IAsyncDisposable
{
    private const int MaxBatch = 256;

    private BatchQueue<Look>? _looks;

    /// <summary>Created on first use: a primary constructor's field initializers cannot name instance methods.</summary>
    private BatchQueue<Look> Looks => LazyInitializer.EnsureInitialized(ref _looks, () => new BatchQueue<Look>(MaxBatch, ReadAsync));

    /// <summary>The job as stored, with its invoices; null if there is no such job.</summary>
    public Task<Job?> ReadAsync(Guid jobId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var look = new Look(jobId);
        Looks.Add(look);
        return look.Result.Task.WaitAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => Looks.DisposeAsync();

    private async Task ReadAsync(List<Look> batch)
    {
        try
        {
            var ids = batch.Select(look => look.JobId).Distinct().ToList();
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TimmyDbContext>();
            // EF.Parameter: all the ids in one parameter (a JSON array on SQLite, an array on PostgreSQL), not one
            // each. SQLite finds a named parameter by scanning the statement's list, so binding hundreds cost time
            // quadratic in their number (3% of CPU with 10,000 streams open).
            var found = ids.Count == 1
                ? await db.Jobs.AsNoTracking().Include(j => j.Invoices).Where(j => j.Id == ids[0]).ToListAsync(CancellationToken.None)
                : await db.Jobs.AsNoTracking().Include(j => j.Invoices).Where(j => EF.Parameter(ids).Contains(j.Id)).ToListAsync(CancellationToken.None);
            var byId = found.ToDictionary(job => job.Id);
            batch.ForEach(look => look.Result.TrySetResult(byId.GetValueOrDefault(look.JobId)));
        }
        catch (Exception ex)
        {
            // The database is unavailable, say: every look in this batch fails as its own query would have.
            batch.ForEach(look => look.Result.TrySetException(ex));
        }
    }

    private sealed class Look(Guid jobId)
    {
        public Guid JobId { get; } = jobId;

        public TaskCompletionSource<Job?> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
