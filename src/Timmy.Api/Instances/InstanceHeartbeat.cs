using Microsoft.Extensions.Options;
using Timmy.Api.Jobs;

namespace Timmy.Api.Instances;

/// <summary>
/// Says every <see cref="JobOptions.HeartbeatSeconds"/> that this instance is alive, by refreshing its one
/// <see cref="Instance"/> row, and at each beat looks (one read of a small table) for instances silent for
/// <see cref="JobOptions.InstanceStaleSeconds"/>: their jobs' leases are released and this worker is woken to claim
/// them, so work cut short by a crash runs again within seconds rather than when its lease (minutes) runs out. The
/// lease stays the backstop, for a job held by an instance that never had a row. On a graceful stop the row is
/// removed, after the worker has finished or handed back its jobs (this service is registered before it, so it stops after it).
/// </summary>
public sealed partial class InstanceHeartbeat(
    IServiceScopeFactory scopes,
    JobWorker worker,
    IOptions<JobOptions> options,
    TimeProvider clock,
    ILogger<InstanceHeartbeat> logger) : BackgroundService
{
    private bool _hasBeaten;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.HeartbeatSeconds), clock);
        try
        {
            do
            {
                try
                {
                    await BeatAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // The database may be briefly unavailable; a few missed beats are within the stale window.
                    LogBeatFailed(ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            // Not cancelled by a shutdown timeout already spent on the worker: one short statement spares the others a reap.
            await scope.ServiceProvider.GetRequiredService<InstanceRegistry>().LeaveAsync(worker.InstanceId, CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogLeaveFailed(ex);
        }
    }

    private async Task BeatAsync(CancellationToken stoppingToken)
    {
        var now = clock.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var registry = scope.ServiceProvider.GetRequiredService<InstanceRegistry>();
        if (!await registry.BeatAsync(worker.InstanceId, now, stoppingToken) && _hasBeaten)
        {
            LogTakenForDead(options.Value.InstanceStaleSeconds);
        }

        _hasBeaten = true;
        var staleBefore = now - TimeSpan.FromSeconds(options.Value.InstanceStaleSeconds);
        var releasedAny = false;
        foreach (var stale in await registry.FindStaleAsync(worker.InstanceId, staleBefore, stoppingToken))
        {
            if (await registry.ReapAsync(stale, staleBefore, stoppingToken) is { } released)
            {
                LogReaped(stale, released);
                releasedAny |= released > 0;
            }
        }

        if (releasedAny)
        {
            worker.WakeClaims();
        }
    }

    [LoggerMessage(LogLevel.Warning, "Instance {Instance} stopped beating; released the leases of its {Count} jobs in progress")]
    private partial void LogReaped(string instance, int count);

    [LoggerMessage(LogLevel.Warning, "This instance's heartbeat row was gone: another instance found it silent for {Seconds} s and released its jobs, so jobs it is still working may run twice")]
    private partial void LogTakenForDead(int seconds);

    [LoggerMessage(LogLevel.Warning, "Could not record this instance's heartbeat; trying again at the next beat")]
    private partial void LogBeatFailed(Exception ex);

    [LoggerMessage(LogLevel.Warning, "Could not remove this instance's heartbeat row; other instances will release its jobs once it is stale")]
    private partial void LogLeaveFailed(Exception ex);
}
