using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Timmy.Api.Data;
using Timmy.Api.Jobs;
using Timmy.Api.Observability;
using Timmy.Api.Payments;
using Timmy.Api.Payments.Watching;

namespace Timmy.Api.Sessions;

/// <summary>
/// Brings a session up to date when it is looked at: credits a paid deposit or top-up (exactly once, gated
/// on the invoice's paid-at being set by this caller) and expires a session idle for too long.
/// </summary>
public sealed class SessionAdvancer(
    TimmyDbContext db,
    PaymentChecks checks,
    SessionReservations reservations,
    IOptions<SessionsOptions> options,
    IOptions<JobOptions> invoiceOptions,
    TimeProvider clock,
    TimmyMetrics metrics)
{
    public async Task<Session?> AdvanceAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        var session = await LoadAsync(sessionId, cancellationToken);
        if (session is null)
        {
            return null;
        }

        if (session is { State: SessionState.AwaitingPayment, DepositInvoice: { } deposit }
            && await checks.PaidAtAsync(deposit, cancellationToken) is { } depositPaidAt)
        {
            await CreditAsync(session.Id, deposit, depositPaidAt, LedgerEntryKind.Deposit, cancellationToken);
        }

        var stillPayable = PendingInvoices.StillPayableIfIssuedAfter(clock.GetUtcNow(), invoiceOptions.Value.InvoiceExpiry);
        foreach (var topup in session.TopupsAwaitingPayment(stillPayable))
        {
            if (await checks.PaidAtAsync(topup, cancellationToken) is { } topupPaidAt)
            {
                await CreditAsync(session.Id, topup, topupPaidAt, LedgerEntryKind.Topup, cancellationToken);
            }
        }

        await reservations.ReleaseAbandonedAsync(sessionId, cancellationToken);
        await ExpireIfIdleAsync(sessionId, cancellationToken);
        return await LoadAsync(sessionId, cancellationToken);
    }

    public DateTimeOffset ExpiresAt(Session session) =>
        (session.State == SessionState.AwaitingPayment ? session.CreatedAt : session.LastActivityAt) + options.Value.IdleExpiry;

    private Task<Session?> LoadAsync(Guid sessionId, CancellationToken cancellationToken) =>
        db.Sessions.AsNoTracking().Include(s => s.Invoices).FirstOrDefaultAsync(s => s.Id == sessionId, cancellationToken);

    /// <summary>
    /// Marks the invoice paid and credits the session in one transaction. Only the caller whose update set
    /// the paid-at credits; the ledger's unique invoice id is a second guard against a double credit.
    /// </summary>
    private async Task CreditAsync(Guid sessionId, Invoice invoice, DateTimeOffset paidAt, LedgerEntryKind kind, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var amount = invoice.AmountSats;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var won = await db.Invoices
            .Where(i => i.Id == invoice.Id && i.PaidAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(i => i.PaidAt, paidAt), cancellationToken) == 1;
        if (!won)
        {
            return;
        }

        db.SessionLedger.Add(new SessionLedgerEntry
        {
            SessionId = sessionId, Kind = kind, AmountSats = amount, InvoiceId = invoice.Id, CreatedAt = now,
        });
        await db.SaveChangesAsync(cancellationToken);
        await Session.Credit(invoice, options.Value.MinimumBalanceSats, now).ApplyAsync(db, sessionId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        metrics.Paid(invoice.Kind.ToString(), amount);
    }

    private async Task ExpireIfIdleAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        await Session.ExpireIdleSince(clock.GetUtcNow() - options.Value.IdleExpiry).ApplyAsync(db, sessionId, cancellationToken);
    }
}
