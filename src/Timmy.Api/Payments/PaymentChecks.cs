namespace Timmy.Api.Payments;

/// <summary>
/// Asks the Lightning backend whether one of Timmy's invoices has been paid, for jobs and sessions alike.
/// An outage is not an answer: it reads as "not yet", and the next poll or watcher pass asks again.
/// </summary>
public sealed partial class PaymentChecks(IPaymentBackend payments, TimeProvider clock, ILogger<PaymentChecks> logger)
{
    /// <summary>When the invoice was paid (as recorded, or as the node says now); null while unpaid or unknown.</summary>
    public async Task<DateTimeOffset?> PaidAtAsync(Invoice invoice, CancellationToken cancellationToken)
    {
        if (invoice.PaidAt is { } known)
        {
            return known;
        }

        try
        {
            var status = await payments.GetInvoiceStatusAsync(invoice.PaymentHash, cancellationToken);
            if (status is null)
            {
                LogUnknownInvoice(invoice.PaymentHash);
            }

            return status is { IsPaid: true } ? status.PaidAt ?? clock.GetUtcNow() : null;
        }
        catch (PaymentBackendException ex)
        {
            LogStatusCheckFailed(ex, invoice.PaymentHash);
            return null;
        }
    }

    [LoggerMessage(LogLevel.Warning, "The Lightning backend does not know invoice {PaymentHash}")]
    private partial void LogUnknownInvoice(string paymentHash);

    [LoggerMessage(LogLevel.Warning, "Could not check invoice {PaymentHash}; will ask again on the next poll")]
    private partial void LogStatusCheckFailed(Exception ex, string paymentHash);
}
