using Microsoft.EntityFrameworkCore;
using Timmy.Api.Data;
using Timmy.Api.Sessions;
using Timmy.Http402;

namespace Timmy.Api.Boundary;

/// <summary>What a Payment session's close did: the sats refunded (or tried), the refund's status, and why in words.</summary>
public sealed record SessionCloseResponse(string SessionId, long RefundSats, string RefundStatus, string Message);

/// <summary>
/// A Payment session's <c>close</c>: what is left of the balance is paid to the return invoice its <c>open</c> named,
/// through the ordinary withdrawal (<see cref="SessionWithdrawals"/>: debit with its ledger entry, pay, credit back a
/// payment that certainly failed). The answer is the boundary's own (the route does not run), with a
/// <c>Payment-Receipt</c> that adds <c>refundSats</c> and <c>refundStatus</c>: <c>succeeded</c> once the node paid,
/// <c>skipped</c> with nothing to refund, otherwise <c>failed</c>, which a payment still in flight is too, as Aperture
/// says: only that answer is safe to be wrong about. The session stays, empty, and a top-up revives it.
/// </summary>
public sealed class PaymentSessionClose(TimmyDbContext db, SessionWithdrawals withdrawals, TimeProvider clock)
{
    public const string NoReturnInvoice =
        "This balance has no return invoice to refund to: send 'open' with a returnInvoice first, or withdraw with POST /api/sessions/{id}/withdraw";

    public async Task<IResult> CloseAsync(HttpContext http, PaidBalance balance, CancellationToken cancellationToken)
    {
        var returnInvoice = await db.Sessions.AsNoTracking().Where(s => s.Id == balance.SessionId)
            .Select(s => s.ReturnInvoice).FirstOrDefaultAsync(cancellationToken);
        if (returnInvoice is null)
        {
            return PaidSurfaceFilter.Error(http, StatusCodes.Status409Conflict, NoReturnInvoice);
        }

        var outcome = await withdrawals.WithdrawAsync(balance.SessionId, returnInvoice, cancellationToken, returnInvoice: true);
        var (status, refunded) = outcome.Status switch
        {
            WithdrawalStatus.Paid => (SessionPayload.RefundSucceeded, outcome.AmountSats),
            WithdrawalStatus.NothingToWithdraw when await BalanceAsync(balance.SessionId, cancellationToken) == 0 => (SessionPayload.RefundSkipped, 0L),
            WithdrawalStatus.InFlight => (SessionPayload.RefundFailed, outcome.AmountSats),
            _ => (SessionPayload.RefundFailed, await BalanceAsync(balance.SessionId, cancellationToken)),
        };
        http.Response.Headers[PaymentReceipt.HeaderName] =
            (PaymentReceipt.Success(LightningCharge.Method, clock.GetUtcNow(), balance.PaymentHash, balance.ChallengeId)
                with { RefundSats = refunded, RefundStatus = status }).Encode();
        return TypedResults.Ok(new SessionCloseResponse(balance.PaymentHash, refunded, status, outcome.Message));
    }

    private Task<long> BalanceAsync(Guid sessionId, CancellationToken cancellationToken) =>
        db.Sessions.AsNoTracking().Where(s => s.Id == sessionId).Select(s => s.BalanceSats).FirstOrDefaultAsync(cancellationToken);
}
