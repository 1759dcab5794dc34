namespace Timmy.Api.Payments.Stub;

/// <summary>What the stub node needs to know about an invoice it is asked to pay.</summary>
internal static class StubInvoiceDecoder
{
    public static (string PaymentHash, long AmountSats) Decode(string paymentRequest) =>
        throw new PaymentBackendException("The stub node cannot decode invoices yet");
}
