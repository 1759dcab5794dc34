using Microsoft.Extensions.Options;
using Timmy.Api.Payments.Watching;

namespace Timmy.Api.Retention;

/// <summary>
/// Every <see cref="RetentionOptions.SweepInterval"/> (and at startup) deletes what was never paid and is older than
/// <see cref="RetentionOptions.UnpaidDays"/>, through <see cref="UnpaidRecords"/>, a batch at a time until none is left.
/// Never younger than an invoice that may still be paid, whatever the settings. Instances sweeping at once are harmless:
/// each delete is conditional.
/// </summary>
public sealed partial class RetentionSweeper(
    IServiceScopeFactory scopes,
    IOptions<RetentionOptions> options,
    IOptions<InvoiceWatchOptions> invoices,
    TimeProvider clock,
    ILogger<RetentionSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, clock);
        try
        {
            do
            {
                try
                {
                    await SweepAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogSweepFailed(ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>One sweep; returns how many jobs, sessions, lapsed top-up invoices and idempotency records it deleted.</summary>
    public async Task<(int Jobs, int Sessions, int Topups, int IdempotencyKeys)> SweepAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var stillPayable = PendingInvoices.StillPayableIfIssuedAfter(now, invoices.Value.InvoiceExpiry);
        var cutoff = Min(now - options.Value.UnpaidAge, stillPayable);
        var batch = options.Value.BatchSize;
        var jobs = await DrainAsync((records, ct) => records.DeleteJobsAsync(cutoff, batch, ct), cancellationToken);
        var sessions = await DrainAsync((records, ct) => records.DeleteSessionsAsync(cutoff, batch, ct), cancellationToken);
        var topups = await DrainAsync((records, ct) => records.DeleteLapsedTopupsAsync(cutoff, batch, ct), cancellationToken);
        var keys = await DrainAsync((records, ct) => records.DeleteIdempotencyKeysAsync(cutoff, batch, ct), cancellationToken);
        if (jobs + sessions + topups + keys > 0)
        {
            LogSwept(jobs, sessions, topups, keys, options.Value.UnpaidDays);
        }

        return (jobs, sessions, topups, keys);
    }

    /// <summary>Batches until one comes back short, each in its own scope and transaction.</summary>
    private async Task<int> DrainAsync(Func<UnpaidRecords, CancellationToken, Task<int>> deleteBatch, CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var deleted = await deleteBatch(scope.ServiceProvider.GetRequiredService<UnpaidRecords>(), cancellationToken);
            total += deleted;
            if (deleted < options.Value.BatchSize)
            {
                return total;
            }
        }
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    [LoggerMessage(LogLevel.Information, "Retention: deleted {Jobs} unpaid jobs, {Sessions} unpaid sessions, {Topups} lapsed top-up invoices and {Keys} idempotency records older than {Days} days")]
    private partial void LogSwept(int jobs, int sessions, int topups, int keys, int days);

    [LoggerMessage(LogLevel.Warning, "The retention sweep failed; it runs again at the next interval")]
    private partial void LogSweepFailed(Exception ex);
}
