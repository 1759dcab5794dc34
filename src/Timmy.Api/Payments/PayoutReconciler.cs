using Microsoft.Extensions.Options;

namespace Timmy.Api.Payments;

/// <summary>
/// Finishes payouts left paying (refunds, session withdrawals): one whose node answered "pending" or timed out,
/// or one cut short by a crash or restart. At start and then every <see cref="LightningOptions.PayoutCheckSeconds"/>,
/// it has the features that pay out (<see cref="IPaymentEvents.SettlePayoutsAsync"/>: refunds in Jobs, withdrawals in
/// Sessions) ask the node about each payout left paying, so none stays stuck and none is paid twice.
/// </summary>
public sealed partial class PayoutReconciler(
    IEnumerable<IPaymentEvents> subscribers,
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
        var unknownAfter = TimeSpan.FromSeconds(options.Value.PayoutUnknownAfterSeconds);
        // Every payout left paying, each pass: few are, and one the node keeps saying is in flight must not hide the rest.
        foreach (var subscriber in subscribers)
        {
            await subscriber.SettlePayoutsAsync(LookUpAsync, unknownAfter, stoppingToken);
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

    [LoggerMessage(LogLevel.Warning, "Could not settle the payout of {PayoutOf}; it stays paying until the next pass")]
    private partial void LogLookupFailed(Exception ex, Guid payoutOf);
}
