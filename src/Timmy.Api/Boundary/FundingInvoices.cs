using Microsoft.EntityFrameworkCore;
using Timmy.Api.Data;
using Timmy.Api.Payments;

namespace Timmy.Api.Boundary;

/// <summary>The invoices that fund balances, as credentials look them up: by payment hash, or a session's deposit.</summary>
public static class FundingInvoices
{
    /// <summary>The session the invoice with this payment hash (lower-case hex) pays into; null for any other hash.</summary>
    public static Task<Guid?> SessionFundedByAsync(TimmyDbContext db, string paymentHash, CancellationToken cancellationToken) =>
        db.Invoices.AsNoTracking().Where(i => i.PaymentHash == paymentHash && i.SessionId != null)
            .Select(i => i.SessionId).FirstOrDefaultAsync(cancellationToken);

    public static Task<string?> DepositHashAsync(TimmyDbContext db, Guid sessionId, CancellationToken cancellationToken) =>
        db.Invoices.AsNoTracking()
            .Where(i => i.SessionId == sessionId && i.Kind == InvoiceKind.SessionDeposit)
            .Select(i => i.PaymentHash)
            .FirstOrDefaultAsync(cancellationToken);
}
