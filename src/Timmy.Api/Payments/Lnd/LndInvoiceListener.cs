using System.Runtime.CompilerServices;
using Timmy.Api.Payments.Http;

namespace Timmy.Api.Payments.Lnd;

/// <summary>
/// Follows <c>/v1/invoices/subscribe</c>, which streams every invoice update for as long as the connection
/// lives. It uses its own HttpClient without request timeouts; the watcher reconnects when it drops, asking from the
/// last <c>settle_index</c> seen so that settlements made while it was away are sent first.
/// </summary>
public sealed class LndInvoiceListener(IHttpClientFactory clients) : IInvoiceListener
{
    internal const string StreamingClient = "lnd-stream";

    private long _lastSettleIndex;

    public async IAsyncEnumerable<string> ListenAsync(Action connected, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var http = clients.CreateClient(StreamingClient);
        var since = Interlocked.Read(ref _lastSettleIndex);
        // settle_index 0 asks for no backlog; after a disconnect, everything settled since the last one seen.
        var path = since > 0 ? $"v1/invoices/subscribe?settle_index={since}" : "v1/invoices/subscribe";
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        using var response = await NodeHttp.SendAsync(http, request, LndPaymentBackend.Node, cancellationToken, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            var error = await LndStream.ReadErrorAsync(response, cancellationToken);
            throw new PaymentBackendException($"{LndPaymentBackend.Node} refused the invoice subscription: HTTP {(int)response.StatusCode} ({error})");
        }

        connected();
        await foreach (var invoice in LndStream.ReadAsync<LndInvoice>(response, cancellationToken))
        {
            if (invoice.State == "SETTLED" && LndPaymentBackend.HashHex(invoice.RHash) is { } hash)
            {
                if (invoice.SettleIndex is { } index)
                {
                    RaiseLastSettleIndex(index);
                }

                yield return hash;
            }
        }
    }

    private void RaiseLastSettleIndex(long index)
    {
        var seen = Interlocked.Read(ref _lastSettleIndex);
        while (index > seen)
        {
            var was = Interlocked.CompareExchange(ref _lastSettleIndex, index, seen);
            if (was == seen)
            {
                return;
            }

            seen = was;
        }
    }
}
