using Timmy.Api.Http;
using Timmy.Lightning;

namespace Timmy.Api.Payments;

/// <summary>The checks a client's invoice must pass before Timmy pays it (a refund, a session withdrawal).</summary>
public static class PayoutInvoices
{
    /// <summary>The <c>{"invoice": "&lt;bolt11&gt;"}</c> body of a payout request, or why it is not one.</summary>
    public static async Task<(string? Invoice, string? Error)> ReadBodyAsync(HttpRequest http, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(http, cancellationToken);
        if (!body.IsValid)
        {
            return (null, body.Error!);
        }

        var invoice = TextInput.ReadRequiredString(body.Value, "invoice", "Invalid request: 'invoice' string (a BOLT11 invoice) is required", out var error);
        return error is not null || string.IsNullOrWhiteSpace(invoice)
            ? (null, error ?? "Invalid request: 'invoice' must not be empty")
            : (invoice, null);
    }

    /// <summary>
    /// Why the invoice cannot be paid <paramref name="amountSats"/> on <paramref name="network"/>, or null when it can;
    /// <paramref name="paymentHash"/> is its payment hash (hex) once it decodes. <paramref name="amountSats"/> null: a
    /// return invoice, which must carry no amount, since what it is paid is whatever is left when the session closes.
    /// </summary>
    public static string? Problem(string paymentRequest, long? amountSats, BitcoinNetwork network, DateTimeOffset now, out string paymentHash)
    {
        paymentHash = "";
        if (!Bolt11Invoice.TryDecode(paymentRequest.Trim(), out var invoice, out var error))
        {
            return $"Invalid BOLT11 invoice: {error}";
        }

        if (invoice.Network != network)
        {
            return $"Invoice is for {invoice.Network}, but this node is on {network}";
        }

        if (amountSats is null)
        {
            paymentHash = invoice.PaymentHashHex;
            return invoice.AmountMsat is not null ? "A return invoice must carry no amount: it is paid whatever is left"
                : invoice.IsExpired(now) ? "Invoice has expired" : null;
        }

        if (invoice.AmountMsat is not { } msat)
        {
            return $"Invoice must carry an amount of exactly {amountSats} sats";
        }

        paymentHash = invoice.PaymentHashHex;
        if (msat != amountSats * 1000)
        {
            return $"Invoice amount is {msat / 1000m} sats; the amount owed is exactly {amountSats} sats";
        }

        return invoice.IsExpired(now) ? "Invoice has expired" : null;
    }

    /// <summary>
    /// Why the node must not be asked to pay this hash: it already paid it, or is paying it (the client reused an
    /// invoice). Paying again would come back "already paid", and the node's record of the first payment would then
    /// settle this payout as paid though nothing was sent for it. Null when the node has no such payment, or one that failed.
    /// </summary>
    public static async Task<string?> AlreadyPaidAsync(IPaymentBackend payments, string paymentHash, CancellationToken cancellationToken) =>
        await payments.GetOutgoingPaymentAsync(paymentHash, cancellationToken) is { State: not OutgoingPaymentState.Failed }
            ? "This invoice has already been paid, or is being paid, by this node; send a fresh invoice"
            : null;
}
