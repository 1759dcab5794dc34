using Microsoft.EntityFrameworkCore;
using Timmy.Api.Data;

namespace Timmy.Api.Payments.Watching;

/// <summary>The watcher's questions to the database: which jobs wait on a payment, and whose invoice is this.</summary>
internal static class PendingInvoices
{
    /// <summary>An invoice paid in its last moments may be seen a little later; keep asking for a while.</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    /// <summary>Jobs with an unpaid, unexpired invoice, oldest first.</summary>
    public static Task<List<Guid>> JobsAwaitingPaymentAsync(
        TimmyDbContext db, DateTimeOffset now, TimeSpan invoiceExpiry, int limit, CancellationToken cancellationToken)
    {
        var issuedAfter = now - invoiceExpiry - Grace;
        return db.Invoices.AsNoTracking()
            .Where(i => i.PaidAt == null && i.JobId != null && i.CreatedAt > issuedAfter)
            .OrderBy(i => i.CreatedAt)
            .Select(i => i.JobId!.Value)
            .Take(limit)
            .ToListAsync(cancellationToken);
    }

    /// <summary>The job an invoice belongs to; null for a payment Timmy did not ask for.</summary>
    public static Task<Guid?> JobOfAsync(TimmyDbContext db, string paymentHash, CancellationToken cancellationToken) =>
        db.Invoices.AsNoTracking()
            .Where(i => i.PaymentHash == paymentHash)
            .Select(i => i.JobId)
            .FirstOrDefaultAsync(cancellationToken);
}
