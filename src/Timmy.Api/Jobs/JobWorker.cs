using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Timmy.Api.Jobs;

/// <summary>
/// Runs paid work off the request path. It leases jobs in evaluating or executing (woken by a payment, and
/// scanning periodically for jobs whose worker died), processes up to <see cref="JobOptions.WorkerConcurrency"/>
/// at once, and on shutdown waits for the work in flight, handing back whatever has not finished.
/// </summary>
public sealed partial class JobWorker(
    IServiceScopeFactory scopes,
    JobProcessor processor,
    JobWorkSignal signal,
    IOptions<JobOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<JobWorker> logger) : BackgroundService
{
    /// <summary>Identifies this process's leases; a restarted process is a new owner.</summary>
    public string InstanceId { get; } = $"{Environment.ProcessId}-{Guid.NewGuid():N}";

    private readonly ConcurrentDictionary<Guid, Task> _inFlight = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ClaimAndStartAsync(settings, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The database may be briefly unavailable; keep the worker alive and try again on the next scan.
                LogClaimFailed(ex);
            }

            await signal.WaitAsync(TimeSpan.FromMilliseconds(settings.WorkerScanMilliseconds), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
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
            var handedBack = _inFlight.Keys.ToArray();
            LogHandingBack(handedBack.Length);
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<JobLeases>().ReleaseAsync(InstanceId, handedBack, CancellationToken.None);
        }
    }

    private async Task ClaimAndStartAsync(JobOptions settings, CancellationToken stoppingToken)
    {
        while (settings.WorkerConcurrency - _inFlight.Count is var free and > 0 && !stoppingToken.IsCancellationRequested)
        {
            IReadOnlyList<JobLease> leases;
            await using (var scope = scopes.CreateAsyncScope())
            {
                leases = await scope.ServiceProvider.GetRequiredService<JobLeases>()
                    .ClaimAsync(InstanceId, Math.Min(free, 64), TimeSpan.FromSeconds(settings.LeaseSeconds), stoppingToken);
            }

            foreach (var lease in leases)
            {
                _inFlight[lease.JobId] = Task.Run(() => ProcessAsync(lease), CancellationToken.None);
            }

            if (leases.Count == 0)
            {
                return;
            }
        }
    }

    private async Task ProcessAsync(JobLease lease)
    {
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
            _inFlight.TryRemove(lease.JobId, out _);
            if (!lifetime.ApplicationStopping.IsCancellationRequested)
            {
                signal.Notify();
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Could not claim jobs; retrying on the next scan")]
    private partial void LogClaimFailed(Exception ex);

    [LoggerMessage(LogLevel.Error, "Processing job {JobId} failed; its lease will expire and it will be retried")]
    private partial void LogProcessFailed(Exception ex, Guid jobId);

    [LoggerMessage(LogLevel.Warning, "Shutting down with {Count} jobs unfinished; handing their leases back")]
    private partial void LogHandingBack(int count);
}
