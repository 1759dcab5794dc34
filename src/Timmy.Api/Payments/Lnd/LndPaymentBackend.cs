using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using Timmy.Api.Http;
using Timmy.Api.Payments.Http;

namespace Timmy.Api.Payments.Lnd;

/// <summary>An LND node over its REST gateway. The macaroon header and pinned TLS are set on the HttpClient.</summary>
public sealed class LndPaymentBackend(HttpClient http, IOptions<LndOptions> options, TimeProvider clock) : IPaymentBackend
{
    internal const string Node = "LND";
    private readonly LndOptions _options = options.Value;

    public string Name => "lnd";

    public bool IsSimulated => false;

    public async Task<CreatedInvoice> CreateInvoiceAsync(InvoiceRequest request, CancellationToken cancellationToken)
    {
        var body = new LndAddInvoice(Int64(request.AmountSats), request.Memo, Int64((long)request.Expiry.TotalSeconds));
        using var message = new HttpRequestMessage(HttpMethod.Post, "v1/invoices") { Content = Json(body) };
        using var response = await NodeHttp.SendAsync(http, message, Node, cancellationToken);
        await EnsureSuccessAsync(response, "create an invoice", cancellationToken);

        var added = await NodeHttp.ReadJsonAsync<LndAddedInvoice>(response, Node, cancellationToken);
        var hash = HashHex(added.RHash);
        if (hash is null || string.IsNullOrEmpty(added.PaymentRequest))
        {
            throw new PaymentBackendException($"{Node} created an invoice without r_hash or payment_request");
        }

        return new CreatedInvoice(hash, added.PaymentRequest, clock.GetUtcNow() + request.Expiry);
    }

    public async Task<InvoiceStatus?> GetInvoiceStatusAsync(string paymentHash, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, $"v1/invoice/{Uri.EscapeDataString(paymentHash)}");
        using var response = await NodeHttp.SendAsync(http, message, Node, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var error = await NodeHttp.ReadErrorAsync(response, cancellationToken);
            // LND answers 404 (older versions 500) with "unable to locate invoice" for a hash it never issued.
            if (response.StatusCode == HttpStatusCode.NotFound || error.Contains("unable to locate invoice", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            throw Failure(response, "check an invoice", error);
        }

        var invoice = await NodeHttp.ReadJsonAsync<LndInvoice>(response, Node, cancellationToken);
        return invoice.State switch
        {
            "SETTLED" => new InvoiceStatus(InvoiceSettlement.Paid, invoice.SettleDate is > 0 and var at ? DateTimeOffset.FromUnixTimeSeconds(at) : null),
            "CANCELED" => new InvoiceStatus(InvoiceSettlement.Expired, null),
            "OPEN" or "ACCEPTED" => new InvoiceStatus(IsPastExpiry(invoice) ? InvoiceSettlement.Expired : InvoiceSettlement.Pending, null),
            _ => throw new PaymentBackendException($"{Node} reported an unknown invoice state '{invoice.State}'"),
        };
    }

    public Task<OutgoingPayment> PayInvoiceAsync(string paymentRequest, CancellationToken cancellationToken) =>
        PayAsync(new LndSendPayment(paymentRequest, _options.PaymentTimeoutSeconds, Int64(_options.FeeLimitSats)), cancellationToken);

    public Task<OutgoingPayment> PayInvoiceAsync(string paymentRequest, long amountSats, CancellationToken cancellationToken) =>
        PayAsync(new LndSendPayment(paymentRequest, _options.PaymentTimeoutSeconds, Int64(_options.FeeLimitSats), Int64(amountSats)), cancellationToken);

    private async Task<OutgoingPayment> PayAsync(LndSendPayment body, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "v2/router/send") { Content = Json(body) };
        message.Options.Set(OutboundResilience.NoRetry, true);
        using var response = await NodeHttp.SendPayoutAsync(http, message, Node, cancellationToken, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            // Refused before streaming. Only a refusal known to come before the router takes a payment on is final.
            var error = await LndStream.ReadErrorAsync(response, cancellationToken);
            var failure = Failure(response, "pay an invoice", error);
            throw IsRefusedBeforePaying(error) ? failure : NodeHttp.OutcomeUnknown(Node, failure);
        }

        // The router streams IN_FLIGHT updates, then one SUCCEEDED or FAILED. Once it streams, the payment is in its
        // hands: anything but a SUCCEEDED or FAILED line (an error line, a cut stream, no end in time) leaves it unknown.
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(TimeSpan.FromSeconds(_options.PaymentTimeoutSeconds) + StreamGrace);
        string? failureReason = null;
        try
        {
            await foreach (var payment in LndStream.ReadAsync<LndPayment>(response, patience.Token))
            {
                if (payment.Status == "SUCCEEDED" && HashHex(payment.PaymentHash) is { } hash)
                {
                    return new OutgoingPayment(hash, payment.ValueSat ?? 0, payment.PaymentPreimage ?? string.Empty);
                }

                if (payment.Status == "FAILED")
                {
                    failureReason = payment.FailureReason ?? "no reason given";
                    break;
                }
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw NodeHttp.OutcomeUnknown(Node, ex);
        }

        throw failureReason is not null
            ? new PaymentBackendException($"{Node} could not pay the invoice: {failureReason}")
            : new PaymentOutcomeUnknownException($"{Node} ended the payment stream before the payment succeeded or failed");
    }

    public async Task<OutgoingPaymentStatus?> GetOutgoingPaymentAsync(string paymentHash, CancellationToken cancellationToken)
    {
        // TrackPaymentV2 streams the payment's current state first, then its updates; the first line is all we need.
        var hash = Convert.ToBase64String(Convert.FromHexString(paymentHash)).Replace('+', '-').Replace('/', '_');
        using var message = new HttpRequestMessage(HttpMethod.Get, $"v2/router/track/{hash}");
        using var response = await NodeHttp.SendAsync(http, message, Node, cancellationToken, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            var error = await LndStream.ReadErrorAsync(response, cancellationToken);
            // Only LND's own "no such payment" counts; a 404 from a proxy or a wrong path says nothing about the payment.
            return IsNotInitiated(error) ? null : throw Failure(response, "look up a payment", error);
        }

        try
        {
            await foreach (var payment in LndStream.ReadAsync<LndPayment>(response, cancellationToken))
            {
                return payment.Status switch
                {
                    "SUCCEEDED" => new OutgoingPaymentStatus(OutgoingPaymentState.Succeeded),
                    "FAILED" => new OutgoingPaymentStatus(OutgoingPaymentState.Failed),
                    "IN_FLIGHT" or "INITIATED" => new OutgoingPaymentStatus(OutgoingPaymentState.InFlight),
                    _ => throw new PaymentBackendException($"{Node} reported an unknown payment status '{payment.Status}'"),
                };
            }
        }
        catch (LndRpcException ex) when (IsNotInitiated(ex.Error.Message))
        {
            return null;
        }
        catch (Exception ex) when (NodeHttp.AsBackendFailure(ex, Node, cancellationToken) is { } failure)
        {
            throw failure;
        }

        throw new PaymentBackendException($"{Node} ended the payment stream without the payment's state");
    }

    /// <summary>How long past its own payment timeout LND may take to say how a payment ended.</summary>
    private static readonly TimeSpan StreamGrace = TimeSpan.FromSeconds(30);

    /// <summary>LND's refusals of a payment request that come before its router takes the payment on: a bad macaroon, an invoice that does not decode or has expired, a payment to itself.</summary>
    private static readonly string[] RefusalsBeforePaying =
        ["verification failed", "permission denied", "invalid bech32", "checksum", "unable to decode", "invalid payment request", "invoice expired", "self-payments not allowed", "amount must be specified"];

    private static bool IsRefusedBeforePaying(string error) =>
        RefusalsBeforePaying.Any(refusal => error.Contains(refusal, StringComparison.OrdinalIgnoreCase));

    /// <summary>LND's answer (gRPC NotFound) when asked to track a payment it was never asked to make.</summary>
    private static bool IsNotInitiated(string? error) => error is not null && error.Contains("isn't initiated", StringComparison.OrdinalIgnoreCase);

    /// <summary>LND writes hashes as base64 in bodies but, for payments, sometimes as hex; normalise to hex.</summary>
    internal static string? HashHex(string? value)
    {
        if (PaymentHash.IsValid(value))
        {
            return value!.ToLowerInvariant();
        }

        try
        {
            var bytes = value is null ? [] : Convert.FromBase64String(value.Replace('-', '+').Replace('_', '/'));
            return bytes.Length == 32 ? Convert.ToHexStringLower(bytes) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private bool IsPastExpiry(LndInvoice invoice) =>
        invoice is { CreationDate: > 0, Expiry: > 0 }
        && clock.GetUtcNow() >= DateTimeOffset.FromUnixTimeSeconds(invoice.CreationDate.Value + invoice.Expiry.Value);

    private static string Int64(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static JsonContent Json<T>(T body) => JsonContent.Create(body, options: NodeJson.Options);

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string action, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw Failure(response, action, await NodeHttp.ReadErrorAsync(response, cancellationToken));
        }
    }

    private static PaymentBackendException Failure(HttpResponseMessage response, string action, string error) =>
        new((int)response.StatusCode switch
        {
            401 or 403 => $"{Node} refused to {action}: check the macaroon ({error})",
            var status => $"{Node} failed to {action}: HTTP {status} ({error})",
        });
}
