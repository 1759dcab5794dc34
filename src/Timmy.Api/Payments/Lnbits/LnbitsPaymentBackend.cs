using System.Net;
using Microsoft.Extensions.Options;
using Timmy.Api.Http;
using Timmy.Api.Payments.Http;

namespace Timmy.Api.Payments.Lnbits;

/// <summary>An LNbits wallet over its REST API (v0.12 and v1.x). See ref/backends.md for the wire format.</summary>
public sealed class LnbitsPaymentBackend(HttpClient http, IOptions<LnbitsOptions> options, TimeProvider clock) : IPaymentBackend
{
    internal const string Node = "LNbits";
    private const string PaymentsPath = "api/v1/payments";
    private readonly LnbitsOptions _options = options.Value;

    public string Name => "lnbits";

    public bool IsSimulated => false;

    public async Task<CreatedInvoice> CreateInvoiceAsync(InvoiceRequest request, CancellationToken cancellationToken)
    {
        // "out" defaults to true in LNbits, so an incoming invoice must say out:false explicitly.
        var body = new LnbitsCreateInvoice(false, request.AmountSats, request.Memo, (long)request.Expiry.TotalSeconds);
        using var message = Request(HttpMethod.Post, PaymentsPath, _options.ApiKey, body);
        using var response = await NodeHttp.SendAsync(http, message, Node, cancellationToken);
        await EnsureSuccessAsync(response, "create an invoice", cancellationToken);

        var created = await NodeHttp.ReadJsonAsync<LnbitsPayment>(response, Node, cancellationToken);
        if (!PaymentHash.IsValid(created.PaymentHash) || string.IsNullOrEmpty(created.Invoice))
        {
            throw new PaymentBackendException($"{Node} created an invoice without a payment hash or request");
        }

        return new CreatedInvoice(created.PaymentHash!.ToLowerInvariant(), created.Invoice, clock.GetUtcNow() + request.Expiry);
    }

    public async Task<InvoiceStatus?> GetInvoiceStatusAsync(string paymentHash, CancellationToken cancellationToken)
    {
        using var message = Request(HttpMethod.Get, $"{PaymentsPath}/{Uri.EscapeDataString(paymentHash)}", _options.ApiKey);
        using var response = await NodeHttp.SendAsync(http, message, Node, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, "check an invoice", cancellationToken);
        var status = await NodeHttp.ReadJsonAsync<LnbitsPaymentStatus>(response, Node, cancellationToken);
        // v1.2+ marks an expired or cancelled incoming invoice "failed"; older versions just say unpaid.
        var settlement = status.Paid ? InvoiceSettlement.Paid
            : status.Status == "failed" ? InvoiceSettlement.Expired
            : InvoiceSettlement.Pending;
        return new InvoiceStatus(settlement, null);
    }

    public async Task<OutgoingPayment> PayInvoiceAsync(string paymentRequest, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(_options.AdminKey))
        {
            throw new PaymentBackendException($"{Node} cannot pay invoices: Lightning:Lnbits:AdminKey is not configured");
        }

        using var message = Request(HttpMethod.Post, PaymentsPath, _options.AdminKey, new LnbitsPayInvoice(true, paymentRequest));
        message.Options.Set(OutboundResilience.NoRetry, true);
        using var response = await NodeHttp.SendAsync(http, message, Node, cancellationToken);
        await EnsureSuccessAsync(response, "pay an invoice", cancellationToken);

        var payment = await NodeHttp.ReadJsonAsync<LnbitsPayment>(response, Node, cancellationToken);
        if (!PaymentHash.IsValid(payment.PaymentHash))
        {
            throw new PaymentBackendException($"{Node} reported a payment without a payment hash");
        }

        // LNbits reports amounts in msat, negative for outgoing payments; v0.12 leaves it out.
        var amountSats = Math.Abs(payment.Amount ?? 0) / 1000;
        return new OutgoingPayment(payment.PaymentHash!.ToLowerInvariant(), amountSats, payment.Preimage ?? string.Empty);
    }

    private HttpRequestMessage Request(HttpMethod method, string path, string? key, object? body = null)
    {
        var message = new HttpRequestMessage(method, path);
        message.Headers.Add("X-Api-Key", key);
        if (body is not null)
        {
            message.Content = System.Net.Http.Json.JsonContent.Create(body, body.GetType(), options: NodeJson.Options);
        }

        return message;
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string action, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var detail = await NodeHttp.ReadErrorAsync(response, cancellationToken);
        throw new PaymentBackendException((int)response.StatusCode switch
        {
            401 => $"{Node} refused to {action}: no API key was accepted ({detail})",
            403 => $"{Node} refused to {action}: the key lacks permission; paying needs the admin key ({detail})",
            404 => $"{Node} could not {action}: wallet not found, check the API key ({detail})",
            520 => $"{Node} could not {action}: {detail}",
            var status => $"{Node} failed to {action}: HTTP {status} ({detail})",
        });
    }
}
