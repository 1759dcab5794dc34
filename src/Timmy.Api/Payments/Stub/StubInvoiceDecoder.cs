using Timmy.Lightning;

namespace Timmy.Api.Payments.Stub;

/// <summary>What the stub node needs to know about an invoice it is asked to pay: a real BOLT11 decode.</summary>
internal static class StubInvoiceDecoder
{
    /// <param name="amountSats">What to pay an invoice that carries no amount; such an invoice is paid only with one.</param>
    public static (string PaymentHash, long AmountSats) Decode(string paymentRequest, long? amountSats = null)
    {
        if (!Bolt11Invoice.TryDecode(paymentRequest, out var invoice, out var error))
        {
            throw new PaymentBackendException($"The stub node cannot pay this invoice: {error}");
        }

        if (invoice.Network != BitcoinNetwork.Regtest)
        {
            throw new PaymentBackendException($"The stub node is on regtest and cannot pay a {invoice.Network} invoice");
        }

        if (invoice.AmountMsat is null && amountSats is > 0)
        {
            return (invoice.PaymentHashHex, amountSats.Value);
        }

        if (invoice.AmountMsat is not { } msat || msat % 1000 != 0 || amountSats is not null)
        {
            throw new PaymentBackendException("The stub node pays only invoices for a whole number of sats, and an amount only to an invoice without one");
        }

        return (invoice.PaymentHashHex, msat / 1000);
    }
}
