namespace Timmy.Api.Jobs;

/// <summary>The lease a move writes as it makes a job workable: to <paramref name="Owner"/>, first attempt, until <paramref name="ExpiresAt"/>.</summary>
public readonly record struct LeaseTerms(string Owner, DateTimeOffset ExpiresAt);

/// <summary>
/// A place held in this instance's <see cref="JobWorker"/> for a job about to become workable, so that the move which
/// makes it workable (a recorded payment) also leases it to this worker: the job then needs no claim of its own (on
/// SQLite a write transaction, under the one writer's lock) and its work starts at once rather than at the worker's
/// next claim. Disposing a handoff that was not started gives its place back.
/// </summary>
public sealed class JobHandoff : IDisposable
{
    private readonly JobWorker _worker;
    private bool _settled;

    internal JobHandoff(JobWorker worker, LeaseTerms lease)
    {
        _worker = worker;
        Lease = lease;
    }

    public LeaseTerms Lease { get; }

    /// <summary>Starts the work of the job that a won move leased on these terms.</summary>
    public void Start(Guid jobId)
    {
        ObjectDisposedException.ThrowIf(_settled, this);
        _settled = true;
        _worker.Start(new JobLease(jobId, Attempt: 1, Lease.Owner));
    }

    public void Dispose()
    {
        if (!_settled)
        {
            _settled = true;
            _worker.ReturnPlaces(1);
        }
    }
}
