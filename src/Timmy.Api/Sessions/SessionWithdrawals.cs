using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Timmy.Api.Data;
using Timmy.Api.Errors;
using Timmy.Api.Payments;

namespace Timmy.Api.Sessions;

public enum WithdrawalStatus
{
    SessionNotFound,
    Paid,
    InFlight,
    NothingToWithdraw,
    InvalidInvoice,
    InvoiceUsed,
    BalanceMoved,
    PaymentFailed,
}

public sealed record WithdrawalOutcome(WithdrawalStatus Status, string Message, long AmountSats = 0, string? PaymentHash = null);

/// <summary>
/// Pays a session's whole balance out to the client's invoice, whatever the session's state (an expired session's
/// sats are still the client's). The balance is debited first, in one conditional update that requires it unchanged
/// and nothing reserved, with its ledger entry, so racing withdrawals and requests cannot both spend it. A payment
/// that certainly failed is credited back; one whose outcome is unknown stays paying until <see cref="ReconcileAsync"/>
/// learns from the node how it ended, as refunds do (see <see cref="Jobs.RefundClaims"/>).
/// </summary>
public sealed partial class SessionWithdrawals(
    TimmyDbContext db,
    IPaymentBackend payments,
    SessionAdvancer advancer,
    IOptions<LightningOptions> lightning,
    IOptions<SessionsOptions> options,
    TimeProvider clock,
    PublicFailures failures,
    ILogger<SessionWithdrawals> logger)
{
    /// <summary>Withdraws the balance of the session, brought up to date first (a payment may just have been credited).</summary>
    /// <param name="returnInvoice">The invoice carries no amount and is paid the balance (a Payment session's close).</param>
    public async Task<WithdrawalOutcome> WithdrawAsync(Guid sessionId, string paymentRequest, CancellationToken cancellationToken, bool returnInvoice = false)
    {
        var session = await advancer.AdvanceAsync(sessionId, cancellationToken);
        if (session is null)
        {
            return new(WithdrawalStatus.SessionNotFound, SessionsApi.SessionNotFound);
        }

        var amount = session.BalanceSats;
        if (NothingToWithdrawReason(session) is { } reason)
        {
            return new(WithdrawalStatus.NothingToWithdraw, reason);
        }

        var now = clock.GetUtcNow();
        if (PayoutInvoices.Problem(paymentRequest, returnInvoice ? null : amount, lightning.Value.BitcoinNetwork, now, out var hash) is { } problem)
        {
            return new(WithdrawalStatus.InvalidInvoice, problem);
        }

        try
        {
            if (await PayoutInvoices.AlreadyPaidAsync(payments, hash, cancellationToken) is { } used)
            {
                return new(WithdrawalStatus.InvoiceUsed, used);
            }
        }
        catch (PaymentBackendException ex)
        {
            return new(WithdrawalStatus.PaymentFailed, $"{failures.Describe("Could not check the invoice with the node", ex)}. Nothing was withdrawn.");
        }

        var withdrawal = new SessionWithdrawal
        {
            Id = Guid.NewGuid(), SessionId = session.Id, AmountSats = amount, PaymentHash = hash, State = SessionWithdrawalState.Paying, CreatedAt = now,
        };
        var started = await PayoutClaims.StartAsync(db, hash, PayoutPurpose.Withdrawal, withdrawal.Id, now,
            () => DebitAsync(withdrawal, cancellationToken), cancellationToken);
        switch (started)
        {
            case PayoutStart.Lost:
                return new(WithdrawalStatus.BalanceMoved, "The balance changed while withdrawing (a request or another withdrawal); look at the session and try again");
            case PayoutStart.InvoiceInUse:
                return new(WithdrawalStatus.InvoiceUsed, PayoutClaims.InvoiceInUse);
        }

        try
        {
            // Not the request's token: once the payout has started, a client hanging up must not abandon it halfway.
            await (returnInvoice
                ? payments.PayInvoiceAsync(paymentRequest, amount, CancellationToken.None)
                : payments.PayInvoiceAsync(paymentRequest, CancellationToken.None));
        }
        catch (PaymentOutcomeUnknownException ex)
        {
            LogPayoutUncertain(ex, session.Id);
            return new(WithdrawalStatus.InFlight,
                $"{failures.Describe("The withdrawal was sent but the node has not confirmed it yet", ex)}. If it fails, the {amount} sats return to the balance.",
                amount, hash);
        }
        catch (PaymentBackendException ex)
        {
            LogPayoutFailed(ex, session.Id);
            await ReverseAsync(withdrawal, CancellationToken.None);
            return new(WithdrawalStatus.PaymentFailed, $"{failures.Describe("Withdrawal payment failed", ex)}. The {amount} sats are back in the session's balance.");
        }

        await MarkPaidAsync(withdrawal, CancellationToken.None);
        return new(WithdrawalStatus.Paid, $"Withdrew {amount} sats", amount, hash);
    }

    /// <summary>The session's withdrawals, newest first.</summary>
    public Task<List<SessionWithdrawalInfo>> ListAsync(Guid sessionId, CancellationToken cancellationToken) =>
        db.SessionWithdrawals.AsNoTracking()
            .Where(w => w.SessionId == sessionId)
            .OrderByDescending(w => w.CreatedAt)
            .Select(w => new SessionWithdrawalInfo(w.AmountSats, w.PaymentHash, w.State, w.CreatedAt, w.SettledAt))
            .ToListAsync(cancellationToken);

    /// <summary>Settles a withdrawal left paying from the node's record, with the same rules as a refund payout.</summary>
    public async Task ReconcileAsync(SessionWithdrawal withdrawal, TimeSpan unknownAfter, CancellationToken cancellationToken)
    {
        var status = await payments.GetOutgoingPaymentAsync(withdrawal.PaymentHash, cancellationToken);
        switch (PayoutVerdicts.From(status, withdrawal.CreatedAt, clock.GetUtcNow(), unknownAfter))
        {
            case PayoutVerdict.Paid:
                await MarkPaidAsync(withdrawal, cancellationToken);
                break;
            case PayoutVerdict.GiveBack:
                await ReverseAsync(withdrawal, cancellationToken);
                break;
        }
    }

    private static string? NothingToWithdrawReason(Session session) => session switch
    {
        { State: SessionState.AwaitingPayment } => "Session is awaiting its deposit payment; there is nothing to withdraw",
        { ReservedSats: > 0 } => "Requests are running against this balance; withdraw once they have finished",
        { BalanceSats: <= 0 } => "Nothing to withdraw: the balance is 0 sats",
        _ => null,
    };

    /// <summary>
    /// Takes the whole balance as it was seen, adding the withdrawal's record and its ledger entry to be saved with it;
    /// false when the balance had moved. Runs inside <see cref="PayoutClaims.StartAsync"/>'s transaction.
    /// </summary>
    private async Task<bool> DebitAsync(SessionWithdrawal withdrawal, CancellationToken cancellationToken)
    {
        var debited = await Session.Withdraw(withdrawal.AmountSats).ApplyAsync(db, withdrawal.SessionId, cancellationToken);
        if (debited)
        {
            db.SessionWithdrawals.Add(withdrawal);
            db.SessionLedger.Add(new SessionLedgerEntry
            {
                SessionId = withdrawal.SessionId, Kind = LedgerEntryKind.Withdrawal, AmountSats = -withdrawal.AmountSats,
                WithdrawalId = withdrawal.Id, CreatedAt = withdrawal.CreatedAt,
            });
        }

        return debited;
    }

    private Task<int> MarkPaidAsync(SessionWithdrawal withdrawal, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return db.SessionWithdrawals
            .Where(w => w.Id == withdrawal.Id && w.State == SessionWithdrawalState.Paying)
            .ExecuteUpdateAsync(set => set.SetProperty(w => w.State, SessionWithdrawalState.Paid).SetProperty(w => w.SettledAt, now), cancellationToken);
    }

    /// <summary>Credits a failed withdrawal back, once: only the caller whose update ends its paying does.</summary>
    private async Task ReverseAsync(SessionWithdrawal withdrawal, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var amount = withdrawal.AmountSats;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var reversed = await db.SessionWithdrawals
            .Where(w => w.Id == withdrawal.Id && w.State == SessionWithdrawalState.Paying)
            .ExecuteUpdateAsync(set => set.SetProperty(w => w.State, SessionWithdrawalState.Reversed).SetProperty(w => w.SettledAt, now), cancellationToken) == 1;
        if (!reversed)
        {
            return;
        }

        await Session.ReverseWithdrawal(amount, options.Value.MinimumBalanceSats).ApplyAsync(db, withdrawal.SessionId, cancellationToken);
        db.SessionLedger.Add(new SessionLedgerEntry
        {
            SessionId = withdrawal.SessionId, Kind = LedgerEntryKind.WithdrawalReversed, AmountSats = amount, WithdrawalId = withdrawal.Id, CreatedAt = now,
        });
        await db.SaveChangesAsync(cancellationToken);
        await PayoutClaims.LetGoAsync(db, withdrawal.PaymentHash, withdrawal.Id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    [LoggerMessage(LogLevel.Error, "Withdrawal from session {SessionId} failed; its sats are back in the balance")]
    private partial void LogPayoutFailed(Exception ex, Guid sessionId);

    [LoggerMessage(LogLevel.Warning, "Withdrawal from session {SessionId} has no outcome yet; it stays paying until the node says how it ended")]
    private partial void LogPayoutUncertain(Exception ex, Guid sessionId);
}
