using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Timmy.Api.Data;
using Timmy.Api.Jobs;
using Timmy.Api.Sessions;

namespace Timmy.Api.Payments;

/// <summary>
/// Finishes payouts left paying (refunds, session withdrawals): one whose node answered "pending" or timed out,
/// or one cut short by a crash or restart. At start and then every <see cref="LightningOptions.PayoutCheckSeconds"/>,
/// it asks the node about each (<see cref="RefundClaims.ReconcileAsync"/>, <see cref="SessionWithdrawals.ReconcileAsync"/>),
/// so none stays stuck and none is paid twice.
/// </summary>
public sealed partial class PayoutReconciler(
    IServiceScopeFactory scopes,
    IOptions<LightningOptions> options,
    TimeProvider clock,
    ILogger<PayoutReconciler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.PayoutCheckSeconds), clock);
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
        var unknownAfter = TimeSpan.FromSeconds(options.Value.PayoutUnknownAfterSeconds);

        // Every payout left paying, each pass: few are, and one the node keeps saying is in flight must not hide the rest.
        var refunds = await db.Jobs.AsNoTracking()
            .Where(j => j.RefundState == RefundState.Paying)
            .OrderBy(j => j.RefundAttemptedAt)
            .ToListAsync(stoppingToken);
        if (refunds.Count(j => j.RefundPaymentHash is null) is > 0 and var unknowable)
        {
            // Left by a version that did not record the invoice's hash: only the node's payment list can settle them.
            LogUnreconcilable(unknowable);
        }

        var claims = scope.ServiceProvider.GetRequiredService<RefundClaims>();
        foreach (var job in refunds.Where(j => j.RefundPaymentHash is not null))
        {
            await LookUpAsync(job.Id, () => claims.ReconcileAsync(job, unknownAfter, stoppingToken));
        }

        var withdrawals = await db.SessionWithdrawals.AsNoTracking()
            .Where(w => w.State == SessionWithdrawalState.Paying)
            .OrderBy(w => w.CreatedAt)
            .ToListAsync(stoppingToken);
        var sessions = scope.ServiceProvider.GetRequiredService<SessionWithdrawals>();
        foreach (var withdrawal in withdrawals)
        {
            await LookUpAsync(withdrawal.Id, () => sessions.ReconcileAsync(withdrawal, unknownAfter, stoppingToken));
        }
    }

    /// <summary>One payout's look-up; a failure leaves it paying for the next pass and does not stop the others.</summary>
    private async Task LookUpAsync(Guid payoutOf, Func<Task> lookUp)
    {
        try
        {
            await lookUp();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The node or the database failed on this one; the rest are still looked at.
            LogLookupFailed(ex, payoutOf);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Looking for payouts to settle failed; will try again on the next pass")]
    private partial void LogPassFailed(Exception ex);

    [LoggerMessage(LogLevel.Error, "{Count} refund payouts are paying without a recorded payment hash; check the node's payments and settle them by hand")]
    private partial void LogUnreconcilable(int count);

    [LoggerMessage(LogLevel.Warning, "Could not settle the payout of {PayoutOf}; it stays paying until the next pass")]
    private partial void LogLookupFailed(Exception ex, Guid payoutOf);
}
