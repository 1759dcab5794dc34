using Microsoft.EntityFrameworkCore;
using Timmy.Api.Data;

namespace Timmy.Api.Payments.Watching;

/// <summary>A page of owners awaiting payment, and where the next page starts.</summary>
internal sealed record PendingPage(List<PaymentOwner> Owners, DateTimeOffset? LastCreatedAt);

/// <summary>The watcher's questions to the database: who waits on a payment, and whose invoice is this.</summary>
internal static class PendingInvoices
{
    /// <summary>An invoice paid in its last moments may be seen a little later; keep asking for a while.</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    /// <summary>The earliest issue time of an invoice that may still be paid, or whose payment may still be reported.</summary>
    public static DateTimeOffset StillPayableIfIssuedAfter(DateTimeOffset now, TimeSpan invoiceExpiry) => now - invoiceExpiry - Grace;

    /// <summary>
    /// One page of the jobs and sessions with an unpaid, unexpired invoice, oldest first, from invoices issued
    /// after <paramref name="after"/> (a page boundary; invoices sharing its exact instant wait for the next round).
    /// </summary>
    public static async Task<PendingPage> AwaitingPaymentAsync(
        TimmyDbContext db, DateTimeOffset now, TimeSpan invoiceExpiry, DateTimeOffset? after, int limit, CancellationToken cancellationToken)
    {
        var issuedAfter = StillPayableIfIssuedAfter(now, invoiceExpiry);
        if (after > issuedAfter)
        {
            issuedAfter = after.Value;
        }

        var invoices = await db.Invoices.AsNoTracking()
            .Where(i => i.PaidAt == null && i.CreatedAt > issuedAfter)
            .OrderBy(i => i.CreatedAt)
            .Select(i => new { i.JobId, i.SessionId, i.CreatedAt })
            .Take(limit)
            .ToListAsync(cancellationToken);
        var owners = invoices.Select(i => Owner(i.JobId, i.SessionId)).OfType<PaymentOwner>().ToList();
        return new PendingPage(owners, invoices.Count == 0 ? null : invoices[^1].CreatedAt);
    }

    /// <summary>Whom these invoices belong to; payments Timmy did not ask for have no owner and are left out.</summary>
    public static async Task<List<PaymentOwner>> OwnersOfAsync(TimmyDbContext db, IReadOnlyCollection<string> paymentHashes, CancellationToken cancellationToken)
    {
        var owners = await db.Invoices.AsNoTracking()
            .Where(i => EF.Parameter(paymentHashes).Contains(i.PaymentHash)) // One parameter, not one per hash: see JobReads.
            .Select(i => new { i.JobId, i.SessionId })
            .ToListAsync(cancellationToken);
        return owners.Select(o => Owner(o.JobId, o.SessionId)).OfType<PaymentOwner>().ToList();
    }

    private static PaymentOwner? Owner(Guid? jobId, Guid? sessionId) =>
        jobId is { } job ? new PaymentOwner(job, IsSession: false)
        : sessionId is { } session ? new PaymentOwner(session, IsSession: true)
        : null;
}
