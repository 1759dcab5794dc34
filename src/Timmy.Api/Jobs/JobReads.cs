using Microsoft.EntityFrameworkCore;
using Timmy.Api.Data;

namespace Timmy.Api.Jobs;

/// <summary>
/// Loads jobs with their invoices, many in one query when many are asked for at once (<see cref="BatchedLookup{TKey, TRow}"/>):
/// polls, event streams, the invoice watcher and the workers all look at jobs. The jobs are untracked and shared: read-only.
/// </summary>
public sealed class JobReads(IServiceScopeFactory scopes) : IAsyncDisposable
{
    private readonly BatchedLookup<Guid, Job> _jobs = new(scopes, LoadAsync, job => job.Id);

    /// <summary>The job as stored, with its invoices; null if there is no such job.</summary>
    public Task<Job?> ReadAsync(Guid jobId, CancellationToken cancellationToken) => _jobs.FindAsync(jobId, cancellationToken);

    public ValueTask DisposeAsync() => _jobs.DisposeAsync();

    // EF.Parameter: all the ids in one parameter (a JSON array on SQLite, an array on PostgreSQL), not one each.
    // SQLite finds a named parameter by scanning the statement's list, so binding hundreds cost time quadratic in
    // their number (3% of CPU with 10,000 streams open). A lone id is a plain variable: EF reads a captured variable
    // directly, but compiles a delegate on every call to evaluate an expression such as ids[0].
    private static Task<List<Job>> LoadAsync(TimmyDbContext db, List<Guid> ids)
    {
        if (ids.Count > 1)
        {
            return db.Jobs.AsNoTracking().Include(j => j.Invoices).Where(j => EF.Parameter(ids).Contains(j.Id)).ToListAsync(CancellationToken.None);
        }

        var id = ids[0];
        return db.Jobs.AsNoTracking().Include(j => j.Invoices).Where(j => j.Id == id).ToListAsync(CancellationToken.None);
    }
}
