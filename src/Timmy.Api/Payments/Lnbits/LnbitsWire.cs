using System.Text.Json;

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

/// <summary><c>GET /api/v1/payments/{hash}</c>; <c>details</c> (the Payment) comes with the admin key.</summary>
internal sealed record LnbitsPaymentStatus(bool Paid, string? Status, string? Preimage, LnbitsPayment? Details);

/// <summary>One message of the wallet WebSocket: <c>{"wallet_balance": sats, "payment": Payment}</c>.</summary>
internal sealed record LnbitsWalletEvent(LnbitsPayment? Payment);

/// <summary>An LNbits error body, <c>{"detail": "...", "status": "failed" | "pending"}</c>; anything else reads as empty.</summary>
internal sealed record LnbitsError(string? Detail, string? Status)
{
    public static LnbitsError Parse(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                ? new(Text(root, "detail"), Text(root, "status"))
                : new(null, null);
        }
        catch (JsonException)
        {
            return new(null, null);
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
