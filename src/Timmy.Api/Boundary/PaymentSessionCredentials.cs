using Microsoft.Extensions.Options;
using Timmy.Api.Data;
using Timmy.Api.Payments;
using Timmy.Api.Sessions;
using Timmy.Http402;

namespace Timmy.Api.Boundary;

/// <summary>
/// The Payment scheme's Lightning <c>session</c> intent (draft-lightning-session-00) on Timmy's balances: a session is a
/// balance, named by the payment hash of the invoice that opened it (or by its own id). The caller has checked the
/// challenge's HMAC; this checks each action's proof:
/// <list type="bullet">
/// <item><c>open</c>: the preimage of the challenge's invoice, which funds a balance; the amountless <c>returnInvoice</c>
/// is kept for the close;</item>
/// <item><c>bearer</c> and <c>close</c>: the session named by <c>sessionId</c> and the preimage of its invoice;</item>
/// <item><c>topUp</c>: the preimage of the challenge's invoice, which must be a top-up of the session named. Crediting
/// it is the ordinary top-up path (<see cref="SessionAdvancer"/>), so a payment is credited once.</item>
/// </list>
/// Every action proves a payment into the balance, so each may withdraw.
/// </summary>
public sealed class PaymentSessionCredentials(TimmyDbContext db, IOptions<LightningOptions> lightning, TimeProvider clock)
{
    private const string Invalid = "Invalid Payment session credential: ";

    public async Task<CredentialCheck> CheckAsync(PaymentCredential credential, CancellationToken cancellationToken)
    {
        var request = LightningSession.FromRequestParameter(credential.Challenge.Request);
        var payload = SessionPayload.From(credential.Payload);
        if (request is null || payload is null)
        {
            return PaymentCredentials.Reject(Invalid + "it needs a session challenge's request and a payload whose action is open, bearer, topUp or close");
        }

        var challengeId = credential.Challenge.Id;
        return payload.Action switch
        {
            SessionPayload.Open => await OpenAsync(request, payload, challengeId, cancellationToken),
            SessionPayload.TopUp => await TopUpAsync(request, payload, challengeId, cancellationToken),
            _ => await RideAsync(payload, challengeId, cancellationToken),
        };
    }

    private async Task<CredentialCheck> OpenAsync(LightningSession request, SessionPayload payload, string challengeId, CancellationToken cancellationToken)
    {
        if (!L402.PreimageMatches(payload.Preimage, request.PaymentHash))
        {
            return PaymentCredentials.Reject(Invalid + "the preimage does not match the deposit's payment hash");
        }

        if (string.IsNullOrWhiteSpace(payload.ReturnInvoice))
        {
            return PaymentCredentials.Reject(Invalid + "open needs a returnInvoice (a BOLT11 invoice without an amount) for the refund at close");
        }

        var returnInvoice = payload.ReturnInvoice.Trim();
        if (PayoutInvoices.Problem(returnInvoice, null, lightning.Value.BitcoinNetwork, clock.GetUtcNow(), out _) is { } problem)
        {
            return PaymentCredentials.Reject($"Invalid returnInvoice: {problem}");
        }

        var hash = request.PaymentHash.ToLowerInvariant();
        if (await FundingInvoices.SessionFundedByAsync(db, hash, cancellationToken) is not { } sessionId)
        {
            return PaymentCredentials.Reject(Invalid + "its deposit funds no balance here");
        }

        await Session.KeepReturnInvoice(returnInvoice).ApplyAsync(db, sessionId, cancellationToken);
        return new(new PaidBalance(sessionId, CredentialKind.Payment, hash, challengeId), null);
    }

    private async Task<CredentialCheck> TopUpAsync(LightningSession request, SessionPayload payload, string challengeId, CancellationToken cancellationToken)
    {
        if (!L402.PreimageMatches(payload.TopUpPreimage, request.PaymentHash))
        {
            return PaymentCredentials.Reject(Invalid + "the topUpPreimage does not match the challenge's payment hash");
        }

        if (await ResolveAsync(payload.SessionId, cancellationToken) is not { } session)
        {
            return PaymentCredentials.Reject(Invalid + "its sessionId names no session here");
        }

        return await FundingInvoices.SessionFundedByAsync(db, request.PaymentHash.ToLowerInvariant(), cancellationToken) == session.Id
            ? new(new PaidBalance(session.Id, CredentialKind.Payment, session.Reference, challengeId), null)
            : PaymentCredentials.Reject(Invalid + "the challenge's invoice does not top up this session");
    }

    /// <summary>bearer and close: the session named, proved by the preimage of the invoice that names it.</summary>
    private async Task<CredentialCheck> RideAsync(SessionPayload payload, string challengeId, CancellationToken cancellationToken)
    {
        if (await ResolveAsync(payload.SessionId, cancellationToken) is not { } session)
        {
            return PaymentCredentials.Reject(Invalid + "its sessionId names no session here");
        }

        return L402.PreimageMatches(payload.Preimage, session.Reference)
            ? new(new PaidBalance(session.Id, CredentialKind.Payment, session.Reference, challengeId, payload.Action == SessionPayload.Close), null)
            : PaymentCredentials.Reject(Invalid + "the preimage is not the preimage of this session's deposit");
    }

    /// <summary>
    /// The session a <c>sessionId</c> names, and the payment hash that proves it (also the receipts' reference): by the
    /// draft, the payment hash of the invoice that opened it; Timmy's own session id names it with its deposit's hash.
    /// </summary>
    private async Task<(Guid Id, string Reference)?> ResolveAsync(string? sessionId, CancellationToken cancellationToken)
    {
        if (PaymentHash.IsValid(sessionId))
        {
            var hash = sessionId!.ToLowerInvariant();
            return await FundingInvoices.SessionFundedByAsync(db, hash, cancellationToken) is { } id ? (id, hash) : null;
        }

        return Guid.TryParse(sessionId, out var own) && await FundingInvoices.DepositHashAsync(db, own, cancellationToken) is { } deposit
            ? (own, deposit)
            : null;
    }
}
