namespace Timmy.Api.Payments.Lnbits;

// LNbits' JSON, read with snake_case names. Everything is optional because v0.12 and v1.x differ:
// v0.12 answers a create with only payment_hash, payment_request and checking_id; v1.x with a Payment.

internal sealed record LnbitsCreateInvoice(bool Out, long Amount, string Memo, long Expiry);

internal sealed record LnbitsPayInvoice(bool Out, string Bolt11);

internal sealed record LnbitsPayment(
    string? PaymentHash,
    string? PaymentRequest,
    string? Bolt11,
    long? Amount,
    string? Status,
    string? Preimage)
{
    /// <summary>v1.x names the invoice both ways; v0.12 only "payment_request".</summary>
    public string? Invoice => PaymentRequest ?? Bolt11;
}

internal sealed record LnbitsPaymentStatus(bool Paid, string? Status, string? Preimage);

/// <summary>One message of the wallet WebSocket: <c>{"wallet_balance": sats, "payment": Payment}</c>.</summary>
internal sealed record LnbitsWalletEvent(LnbitsPayment? Payment);
