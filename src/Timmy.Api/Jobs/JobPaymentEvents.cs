using Microsoft.EntityFrameworkCore;
using Timmy.Api.Data;
using Timmy.Api.Payments;

namespace Timmy.Api.Jobs;

/// <summary>
/// Jobs' side of <see cref="IPaymentEvents"/>: a job's invoice that may be paid goes to <see cref="JobAdvancer"/>
/// (which records it and starts the work), and refunds left paying go to <see cref="RefundClaims.ReconcileAsync"/>.
/// </summary>
public sealed partial class JobPaymentEvents(IServiceScopeFactory scopes, ILogger<JobPaymentEvents> logger) : IPaymentEvents
{
    public async Task InvoiceMayBePaidAsync(PaymentOwner owner, CancellationToken cancellationToken)
    {
        if (owner.IsSession)
        {
            return;
        }

        // A fresh scope per job: its own DbContext and backend, as a request would have.
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<JobAdvancer>().NoticePaymentAsync(owner.Id, cancellationToken);
    }

    public async Task SettlePayoutsAsync(PayoutLookup lookUp, TimeSpan unknownAfter, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TimmyDbContext>();
        var refunds = await db.Jobs.AsNoTracking()
            .Where(j => j.RefundState == RefundState.Paying)
            .OrderBy(j => j.RefundAttemptedAt)
            .ToListAsync(cancellationToken);
        if (refunds.Count(j => j.RefundPaymentHash is null) is > 0 and var unknowable)
        {
            // Left by a version that did not record the invoice's hash: only the node's payment list can settle them.
            LogUnreconcilable(unknowable);
        }

        var claims = scope.ServiceProvider.GetRequiredService<RefundClaims>();
        foreach (var job in refunds.Where(j => j.RefundPaymentHash is not null))
        {
            await lookUp(job.Id, () => claims.ReconcileAsync(job, unknownAfter, cancellationToken));
        }
    }

    [LoggerMessage(LogLevel.Error, "{Count} refund payouts are paying without a recorded payment hash; check the node's payments and settle them by hand")]
    private partial void LogUnreconcilable(int count);
}
