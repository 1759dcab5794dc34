using System.Globalization;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Timmy.Api.Http;
using Timmy.Api.Payments;
using Timmy.Api.Sessions;
using Timmy.Http402;
using Timmy.Lightning;

namespace Timmy.Api.Boundary;

/// <summary>The body of a 402: why, the price of this request, what the invoice buys, and the invoice itself.</summary>
public sealed record PaymentRequiredResponse(string Error, long PriceSats, long AmountSats, string Invoice, string? PaymentHash, DateTimeOffset ExpiresAt);

/// <summary>What a challenge offered: the invoice and when it lapses; or, with no invoice, the status and why not.</summary>
public sealed record ChallengeOffer(Invoice? Invoice, DateTimeOffset ExpiresAt, int Status, string? Refusal)
{
    public static ChallengeOffer Refused(int status, string why) => new(null, default, status, why);
}

/// <summary>
/// Writes a 402 whose payment opens a balance (a session awaiting its deposit), or tops up the balance the request
/// came with. One invoice, offered through four doors in one WWW-Authenticate: <c>Payment</c> with the <c>session</c>
/// intent (its unit is this request's price), <c>Payment</c> with the <c>charge</c> intent, then <c>L402</c> and the same
/// as <c>LSAT</c>. Charge follows session because clients that read a joined header last-wins (no list parser) then
/// see a whole charge challenge; clients that take the first Payment challenge get the session.
/// </summary>
public sealed class Challenges(
    SessionIntake intake,
    BalanceTokens tokens,
    ChallengeSecret secret,
    IPaymentBackend payments,
    CreationLimiter limiter,
    IOptions<BoundaryOptions> options,
    IOptions<SessionsOptions> sessions,
    IOptions<LightningOptions> lightning)
{
    /// <param name="priceSats">What this request may cost; the invoice buys at least <see cref="BoundaryOptions.MinBundleSats"/>.</param>
    /// <param name="topUp">The balance the request came with: its payment tops that up where a top-up is possible.</param>
    public async Task<IResult> PaymentRequiredAsync(HttpContext http, long priceSats, string reason, Guid? topUp, CancellationToken cancellationToken)
    {
        var offer = await OfferAsync(http, priceSats, topUp, mayOpen: true, cancellationToken);
        if (offer.Invoice is not { } invoice)
        {
            return PaidSurfaceFilter.Error(http, offer.Status, offer.Refusal!);
        }

        var body = new PaymentRequiredResponse(reason, priceSats, invoice.AmountSats, invoice.PaymentRequest,
            payments.IsSimulated ? invoice.PaymentHash : null, offer.ExpiresAt);
        return PaidOperation.Of(http)?.ErrorBody is { } shape
            ? TypedResults.Json(shape(StatusCodes.Status402PaymentRequired, reason, body), statusCode: StatusCodes.Status402PaymentRequired)
            : TypedResults.Json(body, statusCode: StatusCodes.Status402PaymentRequired);
    }

    /// <summary>
    /// Issues the invoice and writes the challenges for it into WWW-Authenticate, leaving the body to the caller (the
    /// seed's session route keeps its own). <paramref name="mayOpen"/> false: only a top-up of <paramref name="topUp"/>
    /// is offered, never a new balance.
    /// </summary>
    public async Task<ChallengeOffer> OfferAsync(HttpContext http, long priceSats, Guid? topUp, bool mayOpen, CancellationToken cancellationToken)
    {
        var amount = Math.Max(options.Value.MinBundleSats, priceSats);
        var (sessionId, invoice, refusal) = await InvoiceAsync(http, amount, topUp, mayOpen, cancellationToken);
        if (invoice is null)
        {
            return refusal!;
        }

        var macaroon = await tokens.MintAsync(sessionId, invoice.PaymentHash, cancellationToken);
        var expiresAt = Bolt11Invoice.TryDecode(invoice.PaymentRequest, out var decoded, out _)
            ? decoded.ExpiresAt
            : invoice.CreatedAt + Bolt11Invoice.DefaultExpiry;
        var charge = new LightningCharge(invoice.AmountSats, invoice.PaymentRequest, invoice.PaymentHash, NetworkName(), $"Timmy balance of {invoice.AmountSats} sats")
            .ToRequestParameter();
        var session = new LightningSession(Math.Max(1, priceSats), invoice.PaymentHash, invoice.PaymentRequest, invoice.AmountSats,
            (long)sessions.Value.IdleExpiry.TotalSeconds, UnitType: "request").ToRequestParameter();
        http.Response.Headers.WWWAuthenticate = new StringValues([
            (await PaymentAsync(LightningSession.Intent, session, expiresAt, invoice.AmountSats, cancellationToken)).ToHeader(),
            (await PaymentAsync(LightningCharge.Intent, charge, expiresAt, invoice.AmountSats, cancellationToken)).ToHeader(),
            L402.Challenge(L402.Scheme, macaroon, invoice.PaymentRequest),
            L402.Challenge(L402.LegacyScheme, macaroon, invoice.PaymentRequest),
        ]);
        return new ChallengeOffer(invoice, expiresAt, StatusCodes.Status402PaymentRequired, null);
    }

    /// <summary>A Payment challenge whose id is the HMAC of its parameters, so it is checked later without being stored.</summary>
    private async Task<PaymentChallenge> PaymentAsync(string intent, string request, DateTimeOffset expiresAt, long amountSats, CancellationToken cancellationToken) =>
        PaymentChallenge.Create(await secret.GetAsync(cancellationToken), options.Value.Realm, LightningCharge.Method, intent, request,
            expiresAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            description: $"A Timmy balance of {amountSats} sats");

    private async Task<(Guid SessionId, Invoice? Invoice, ChallengeOffer? Refusal)> InvoiceAsync(
        HttpContext http, long amount, Guid? topUp, bool mayOpen, CancellationToken cancellationToken)
    {
        if (topUp is { } existing)
        {
            var topped = await intake.TopupAsync(existing, amount, cancellationToken, bolt11: true);
            if (topped is { Status: SessionIntakeStatus.TopupPending, Invoice: null })
            {
                // Another request claimed the top-up slot a moment ago: offer the invoice it made.
                topped = await intake.TopupAsync(existing, amount, cancellationToken, bolt11: true);
            }

            // A pending top-up still payable is offered again, if it is one a client can decode.
            if (topped.Invoice is { } invoice && Bolt11Invoice.TryDecode(invoice.PaymentRequest, out _, out _))
            {
                return (existing, invoice, null);
            }
        }

        if (!mayOpen)
        {
            return (Guid.Empty, null, ChallengeOffer.Refused(StatusCodes.Status409Conflict, "This balance cannot be topped up now"));
        }

        // Each new balance costs a node invoice and a row, so opening them is limited per client; a top-up reuses its slot.
        if (limiter.Refusal(http) is { } limited)
        {
            return (Guid.Empty, null, ChallengeOffer.Refused(StatusCodes.Status429TooManyRequests, limited));
        }

        // No balance yet, or one that cannot be topped up (expired, or its pending top-up is not BOLT11): a new one.
        var opened = await intake.OpenAsync(amount, cancellationToken, bolt11: true);
        return opened.Invoice is null
            ? (Guid.Empty, null, ChallengeOffer.Refused(StatusCodes.Status503ServiceUnavailable, opened.Error!))
            : (opened.SessionId, opened.Invoice, null);
    }

    private string? NetworkName() => lightning.Value.Network.ToLowerInvariant() switch
    {
        "mainnet" or "bitcoin" => "mainnet",
        "regtest" => "regtest",
        "signet" => "signet",
        _ => null,
    };
}
