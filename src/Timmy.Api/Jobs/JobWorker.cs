using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Timmy.Api.Hosting;

namespace Timmy.Api.Jobs;

/// <summary>
/// Runs paid work off the request path, up to <see cref="JobOptions.WorkerConcurrency"/> jobs at once. A job usually
/// arrives leased already, by the move that recorded its payment (<see cref="ReservePlace"/>); otherwise the
/// worker claims it, woken by that move when this worker was full, and scanning periodically for jobs whose worker
/// died. On shutdown it waits for the work in flight, handing back whatever has not finished.
/// </summary>
public sealed partial class JobWorker(
    IServiceScopeFactory scopes,
    JobProcessor processor,
    IOptions<JobOptions> options,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<JobWorker> logger) : BackgroundService
{
    private const int MaxClaim = 64;

    /// <summary>Identifies this process's leases; a restarted process is a new owner.</summary>
    public string InstanceId { get; } = $"{Environment.ProcessId}-{Guid.NewGuid():N}";

    /// <summary>Keyed by the lease object itself: a job's next stage can start before its last stage's task has ended.</summary>
    private readonly ConcurrentDictionary<JobLease, Task> _inFlight = new(ReferenceEqualityComparer.Instance);

    /// <summary>Places taken: jobs in flight, plus places held for handoffs and claims under way.</summary>
    private int _busy;

    /// <summary>Wakes the claim loop before its next scan: a paid job moved unleased, or a place came free while jobs wait.</summary>
    private readonly Wakeup _claimWakeup = new();

    /// <summary>Set while handoffs are taken: from the worker's start until the host begins to stop.</summary>
    private volatile bool _accepting;

    /// <summary>Whether jobs may be waiting unleased because this worker was full, so a finished job should wake a claim.</summary>
    private volatile bool _mayHaveWaiting;

    /// <summary>
    /// Holds a place for a job about to become workable, so the move that makes it workable (a recorded payment) also
    /// leases it to this worker: the job then needs no claim of its own (on SQLite a write transaction, under the one
    /// writer's lock) and its work starts at once. Null when the worker is full or stopping: the job is then moved
    /// unleased and claimed later. Always followed by <see cref="AfterPaymentMove"/>, whatever the move did.
    /// </summary>
    public LeaseTerms? ReservePlace()
    {
        if (!_accepting || lifetime.ApplicationStopping.IsCancellationRequested || TakePlaces(1) == 0)
        {
            _mayHaveWaiting = true;
            return null;
        }

        return new LeaseTerms(InstanceId, clock.GetUtcNow() + LeaseDuration);
    }

    /// <summary>Claims at once rather than at the next scan: jobs were just released (an instance found dead).</summary>
    public void WakeClaims() => _claimWakeup.Notify();

    /// <summary>
    /// After the move of a paid job: a won move leased on <paramref name="lease"/> starts its work here; a won move
    /// without a lease wakes the claim loop; a lost move (or one that threw) gives the reserved place back.
    /// </summary>
    public void AfterPaymentMove(Guid jobId, LeaseTerms? lease, bool won)
    {
        if (lease is { } terms)
        {
            if (won)
            {
                Start(new JobLease(jobId, Attempt: 1, terms.Owner));
            }
            else
            {
                ReturnPlaces(1);
            }
        }
        else if (won)
        {
            _claimWakeup.Notify();
        }
    }

    /// <summary>Starts a leased job in a place already taken for it.</summary>
    private void Start(JobLease lease) => _inFlight[lease] = Task.Run(() => ProcessAsync(lease), CancellationToken.None);

    private void ReturnPlaces(int count) => Interlocked.Add(ref _busy, -count);

    private TimeSpan LeaseDuration => TimeSpan.FromSeconds(options.Value.LeaseSeconds);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        _accepting = true;
        using var stopAccepting = stoppingToken.Register(() => _accepting = false);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ClaimAndStartAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The database may be briefly unavailable; keep the worker alive and try again on the next scan.
                LogClaimFailed(ex);
            }

            await _claimWakeup.WaitAsync(TimeSpan.FromMilliseconds(settings.WorkerScanMilliseconds), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        var unfinished = _inFlight.Values.ToArray();
        Task waitForAll = Task.WhenAny(Task.WhenAll(unfinished), Task.Delay(Timeout.Infinite, cancellationToken));
        await waitForAll.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!_inFlight.IsEmpty)
        {
            var handedBack = _inFlight.Keys.Select(lease => lease.JobId).Distinct().ToArray();
            LogHandingBack(handedBack.Length);
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<JobLeases>().ReleaseAsync(InstanceId, handedBack, CancellationToken.None);
        }
    }

    /// <summary>Claims waiting jobs while there is room for them and a claim comes back full.</summary>
    private async Task ClaimAndStartAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var places = TakePlaces(MaxClaim);
            if (places == 0)
            {
                _mayHaveWaiting = true;
                return;
            }

            IReadOnlyList<JobLease> leases = [];
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                leases = await scope.ServiceProvider.GetRequiredService<JobLeases>().ClaimAsync(InstanceId, places, LeaseDuration, stoppingToken);
            }
            finally
            {
                ReturnPlaces(places - leases.Count);
            }

            foreach (var lease in leases)
            {
                Start(lease);
            }

            if (leases.Count < places)
            {
                // Every waiting job was taken: until this worker is full again, finished jobs need not wake a claim.
                _mayHaveWaiting = false;
                return;
            }
        }
    }

    /// <summary>Takes up to <paramref name="wanted"/> free places at once and says how many it took.</summary>
    private int TakePlaces(int wanted)
    {
        var limit = options.Value.WorkerConcurrency;
        while (true)
        {
            var busy = Volatile.Read(ref _busy);
            var taken = Math.Min(wanted, limit - busy);
            if (taken <= 0)
            {
                return 0;
            }

            if (Interlocked.CompareExchange(ref _busy, busy + taken, busy) == busy)
            {
                return taken;
            }
        }
    }

    private async Task ProcessAsync(JobLease lease)
    {
        using var done = new CancellationTokenSource();
        var renewing = RenewWhileWorkingAsync(lease, done.Token);
        try
        {
            // Paid work is not abandoned because the host is stopping; StopAsync decides how long to wait for it.
            await processor.ProcessAsync(lease, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The lease will expire and another attempt will follow; MaxAttempts bounds how many.
            LogProcessFailed(ex, lease.JobId);
        }
        finally
        {
            await done.CancelAsync();
            await renewing;
            _inFlight.TryRemove(lease, out _);
            ReturnPlaces(1);
            if (_mayHaveWaiting && !lifetime.ApplicationStopping.IsCancellationRequested)
            {
                _claimWakeup.Notify();
            }
        }
    }

    /// <summary>
    /// Keeps the lease while the model works, every third of its length, so a call that outlasts it (a slow model and its
    /// SDK's retries can take many minutes) is not presumed dead and run again by another worker. Only a worker that
    /// stops renewing, because its process died, loses its jobs; they are taken up again once the lease runs out.
    /// </summary>
    private async Task RenewWhileWorkingAsync(JobLease lease, CancellationToken done)
    {
        while (true)
        {
            try
            {
                await Task.Delay(LeaseDuration / 3, clock, done);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await using var scope = scopes.CreateAsyncScope();
                if (!await scope.ServiceProvider.GetRequiredService<JobLeases>().RenewAsync(lease, clock.GetUtcNow() + LeaseDuration, CancellationToken.None))
                {
                    return; // The job moved on, or is another worker's now: nothing left to keep.
                }
            }
            catch (Exception ex)
            {
                // The lease still has two thirds of its time: try again at the next beat.
                LogRenewFailed(ex, lease.JobId);
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Could not renew the lease of job {JobId}; trying again shortly")]
    private partial void LogRenewFailed(Exception ex, Guid jobId);

    [LoggerMessage(LogLevel.Warning, "Could not claim jobs; retrying on the next scan")]
    private partial void LogClaimFailed(Exception ex);

    [LoggerMessage(LogLevel.Error, "Processing job {JobId} failed; its lease will expire and it will be retried")]
    private partial void LogProcessFailed(Exception ex, Guid jobId);

    [LoggerMessage(LogLevel.Warning, "Shutting down with {Count} jobs unfinished; handing their leases back")]
    private partial void LogHandingBack(int count);
}
