using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Timmy.Api.Data;

namespace Timmy.Api.Jobs;

/// <summary>
/// Finishes refund payouts left paying: one whose node answered "pending" or timed out, or one cut short by a
/// crash or restart. At start and then every <see cref="JobOptions.RefundCheckSeconds"/>, it asks the node about
/// each such payout (<see cref="RefundClaims.ReconcileAsync"/>), so no refund stays stuck and none is paid twice.
/// </summary>
public sealed partial class RefundPayoutReconciler(
    IServiceScopeFactory scopes,
    IOptions<JobOptions> options,
    TimeProvider clock,
    ILogger<RefundPayoutReconciler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.RefundCheckSeconds), clock);
        try
        {
            do
            {
                try
                {
                    await ReconcileAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // The node or the database may be down for a while; the payouts stay paying and are looked at again.
                    LogPassFailed(ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task ReconcileAsync(CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TimmyDbContext>();
        var refunds = scope.ServiceProvider.GetRequiredService<RefundClaims>();
        var unknownAfter = TimeSpan.FromSeconds(options.Value.RefundUnknownAfterSeconds);
        // Every payout left paying, each pass: few are, and one the node keeps saying is in flight must not hide the rest.
        var stuck = await db.Jobs.AsNoTracking()
            .Where(j => j.RefundState == RefundState.Paying)
            .OrderBy(j => j.RefundAttemptedAt)
            .ToListAsync(stoppingToken);
        if (stuck.Count(j => j.RefundPaymentHash is null) is > 0 and var unknowable)
        {
            // Left by a version that did not record the invoice's hash: only the node's payment list can settle them.
            LogUnreconcilable(unknowable);
        }

        foreach (var job in stuck.Where(j => j.RefundPaymentHash is not null))
        {
            try
            {
                await refunds.ReconcileAsync(job, unknownAfter, stoppingToken);
            }
            catch (Payments.PaymentBackendException ex)
            {
                LogLookupFailed(ex, job.Id);
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Looking for refund payouts to settle failed; will try again on the next pass")]
    private partial void LogPassFailed(Exception ex);

    [LoggerMessage(LogLevel.Error, "{Count} refund payouts are paying without a recorded payment hash; check the node's payments and settle them by hand")]
    private partial void LogUnreconcilable(int count);

    [LoggerMessage(LogLevel.Warning, "Could not look up the refund payout of job {JobId} on the node; it stays paying")]
    private partial void LogLookupFailed(Exception ex, Guid jobId);
}
