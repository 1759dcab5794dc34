using System.Net;
using Microsoft.Extensions.Options;
using Timmy.Api.Http;
using Timmy.Api.Payments.Http;
using Timmy.Lightning;

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
        var settlement = IsPaid(status) ? InvoiceSettlement.Paid
            : status.Status == "failed" ? InvoiceSettlement.Expired
            : InvoiceSettlement.Pending;
        return new InvoiceStatus(settlement, null);
    }

    public async Task<OutgoingPayment> PayInvoiceAsync(string paymentRequest, CancellationToken cancellationToken)
    {
        using var message = Request(HttpMethod.Post, PaymentsPath, AdminKey(), new LnbitsPayInvoice(true, paymentRequest));
        message.Options.Set(OutboundResilience.NoRetry, true);
        using var response = await NodeHttp.SendPayoutAsync(http, message, Node, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var error = LnbitsError.Parse(body);
            if ((int)response.StatusCode == 520 && error.Status == "success")
            {
                // v1.x: "Payment already paid." LNbits paid this invoice before (an earlier attempt whose answer was
                // lost): it is paid, and paying again is what LNbits just refused.
                return await AlreadyPaidAsync(paymentRequest);
            }

            throw PayoutFailure((int)response.StatusCode, error);
        }

        LnbitsPayment payment;
        try
        {
            payment = await NodeHttp.ReadJsonAsync<LnbitsPayment>(response, Node, cancellationToken);
        }
        catch (PaymentBackendException ex)
        {
            // LNbits accepted the payment (201) but its answer was lost or garbled: it may well be paying.
            throw NodeHttp.OutcomeUnknown(Node, ex);
        }

        if (!PaymentHash.IsValid(payment.PaymentHash))
        {
            throw NodeHttp.OutcomeUnknown(Node, new PaymentBackendException($"{Node} reported a payment without a payment hash"));
        }

        switch (payment.Status)
        {
            case "pending":
                // LNbits gives up waiting before the payment settles and answers 201 anyway.
                throw new PaymentOutcomeUnknownException($"{Node} is still paying the invoice");
            case "failed":
                throw new PaymentBackendException($"{Node} could not pay the invoice");
            case null:
                // v0.12 answers without a status, and answers the same while the payment is still in flight.
                payment = payment with { Amount = payment.Amount ?? (await ConfirmPaidAsync(payment.PaymentHash!))?.Amount };
                break;
        }

        // LNbits reports amounts in msat, negative for outgoing payments.
        var amountSats = Math.Abs(payment.Amount ?? 0) / 1000;
        return new OutgoingPayment(payment.PaymentHash!.ToLowerInvariant(), amountSats, payment.Preimage ?? string.Empty);
    }

    public async Task<OutgoingPaymentStatus?> GetOutgoingPaymentAsync(string paymentHash, CancellationToken cancellationToken) =>
        await LookUpPaymentAsync(paymentHash, cancellationToken) is { } status ? new OutgoingPaymentStatus(StateOf(status)) : null;

    /// <summary>LNbits' record of an outgoing payment (with its details: the admin key sees them); null when it has none.</summary>
    private async Task<LnbitsPaymentStatus?> LookUpPaymentAsync(string paymentHash, CancellationToken cancellationToken)
    {
        using var message = Request(HttpMethod.Get, $"{PaymentsPath}/{Uri.EscapeDataString(paymentHash)}", AdminKey());
        using var response = await NodeHttp.SendAsync(http, message, Node, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound && await IsNoSuchPaymentAsync(response, cancellationToken))
        {
            return null;
        }

        await EnsureSuccessAsync(response, "look up a payment", cancellationToken);
        return await NodeHttp.ReadJsonAsync<LnbitsPaymentStatus>(response, Node, cancellationToken);
    }

    /// <summary>v0.12's <c>paid</c> can lag its <c>status</c> (<c>status:"success"</c> with <c>paid:false</c>); either says paid.</summary>
    private static bool IsPaid(LnbitsPaymentStatus status) => status.Paid || status.Status == "success";

    private static OutgoingPaymentState StateOf(LnbitsPaymentStatus status) =>
        IsPaid(status) ? OutgoingPaymentState.Succeeded : status.Status == "failed" ? OutgoingPaymentState.Failed : OutgoingPaymentState.InFlight;

    private string AdminKey() => string.IsNullOrEmpty(_options.AdminKey)
        ? throw new PaymentBackendException($"{Node} cannot pay invoices: Lightning:Lnbits:AdminKey is not configured")
        : _options.AdminKey;

    /// <summary>
    /// Asks LNbits how a payment it answered without a status ended: only a paid one is paid. Returns its record, whose
    /// details carry the amount v0.12's answer leaves out.
    /// </summary>
    private async Task<LnbitsPayment?> ConfirmPaidAsync(string paymentHash)
    {
        LnbitsPaymentStatus? status;
        try
        {
            status = await LookUpPaymentAsync(paymentHash, CancellationToken.None);
        }
        catch (PaymentBackendException ex)
        {
            throw NodeHttp.OutcomeUnknown(Node, ex);
        }

        return status is null ? throw new PaymentOutcomeUnknownException($"{Node} has no record of the payment yet")
            : StateOf(status) switch
            {
                OutgoingPaymentState.Succeeded => status.Details,
                OutgoingPaymentState.Failed => throw new PaymentBackendException($"{Node} could not pay the invoice"),
                _ => throw new PaymentOutcomeUnknownException($"{Node} is still paying the invoice"),
            };
    }

    /// <summary>
    /// The payment LNbits says it already made of <paramref name="paymentRequest"/>, from its own record; of unknown
    /// outcome when the invoice or the record cannot be read (the reconciler asks again later).
    /// </summary>
    private async Task<OutgoingPayment> AlreadyPaidAsync(string paymentRequest)
    {
        if (!Bolt11Invoice.TryDecode(paymentRequest.Trim(), out var invoice, out _))
        {
            throw new PaymentOutcomeUnknownException($"{Node} says the invoice was already paid, but it does not decode to look the payment up");
        }

        var record = await ConfirmPaidAsync(invoice.PaymentHashHex);
        var amountSats = Math.Abs(record?.Amount ?? invoice.AmountMsat ?? 0) / 1000;
        return new OutgoingPayment(invoice.PaymentHashHex, amountSats, record?.Preimage ?? string.Empty);
    }

    /// <summary>
    /// A refused payout. LNbits answers 520 with <c>"status"</c> saying whether the payment "failed" or is still
    /// "pending" (v0.12 sends no status); a server error may come after the payment started, so only a clear refusal
    /// is final.
    /// </summary>
    private static PaymentBackendException PayoutFailure(int status, LnbitsError error)
    {
        var final = status == 520 ? error.Status == "failed" : status < 500;
        var detail = error.Detail ?? $"HTTP {status}";
        if (!final)
        {
            return new PaymentOutcomeUnknownException($"{Node} did not say whether the payment went through: {detail}");
        }

        return Refusal(status, "pay an invoice", detail);
    }

    /// <summary>
    /// LNbits' own "no such payment". A 404 for an unknown key ("Wallet not found."), or from a proxy or a wrong path,
    /// says nothing about the payment, and taking it for "never paid" could pay a refund twice.
    /// </summary>
    private static async Task<bool> IsNoSuchPaymentAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        LnbitsError.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).Detail is { } detail
        && detail.Contains("Payment does not exist", StringComparison.OrdinalIgnoreCase);

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

        throw Refusal((int)response.StatusCode, action, await NodeHttp.ReadErrorAsync(response, cancellationToken));
    }

    /// <summary>LNbits' refusal of <paramref name="action"/>, in words that say what to check.</summary>
    private static PaymentBackendException Refusal(int status, string action, string detail) => new(status switch
    {
        // v0.12 refuses a payment with the invoice key as 401 "Invoice (or Admin) key required.".
        401 when detail.Contains("admin", StringComparison.OrdinalIgnoreCase) =>
            $"{Node} refused to {action}: the key lacks permission; paying needs the admin key ({detail})",
        401 => $"{Node} refused to {action}: no API key was accepted ({detail})",
        403 => $"{Node} refused to {action}: the key lacks permission; paying needs the admin key ({detail})",
        404 => $"{Node} could not {action}: wallet not found, check the API key ({detail})",
        520 => $"{Node} could not {action}: {detail}",
        _ => $"{Node} failed to {action}: HTTP {status} ({detail})",
    });
}
