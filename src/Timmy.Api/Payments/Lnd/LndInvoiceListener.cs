using System.Runtime.CompilerServices;
using Timmy.Api.Payments.Http;

namespace Timmy.Api.Payments.Lnd;

/// <summary>
/// Follows <c>/v1/invoices/subscribe</c>, which streams every invoice update for as long as the connection
/// lives. It uses its own HttpClient without request timeouts; the watcher reconnects when it drops.
/// </summary>
public sealed class LndInvoiceListener(IHttpClientFactory clients) : IInvoiceListener
{
    internal const string StreamingClient = "lnd-stream";

    public async IAsyncEnumerable<string> ListenAsync(Action connected, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var http = clients.CreateClient(StreamingClient);
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/invoices/subscribe");
        using var response = await NodeHttp.SendAsync(http, request, LndPaymentBackend.Node, cancellationToken, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            var error = await NodeHttp.ReadErrorAsync(response, cancellationToken);
            throw new PaymentBackendException($"{LndPaymentBackend.Node} refused the invoice subscription: HTTP {(int)response.StatusCode} ({error})");
        }

        connected();
        await foreach (var invoice in LndStream.ReadAsync<LndInvoice>(response, cancellationToken))
        {
            if (invoice.State == "SETTLED" && LndPaymentBackend.HashHex(invoice.RHash) is { } hash)
            {
                yield return hash;
            }
        }
    }
}
