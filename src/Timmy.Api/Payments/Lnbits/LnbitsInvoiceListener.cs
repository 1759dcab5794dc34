using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Timmy.Api.Payments.Http;

namespace Timmy.Api.Payments.Lnbits;

/// <summary>Listens to the wallet's WebSocket (<c>/api/v1/ws/{key}</c>), which sends one message per payment.</summary>
public sealed class LnbitsInvoiceListener(IOptions<LnbitsOptions> options) : IInvoiceListener
{
    private const int MaxMessageBytes = 1024 * 1024;

    public async IAsyncEnumerable<string> ListenAsync(Action connected, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(WebSocketUri(options.Value), cancellationToken);
        connected();
        var buffer = new byte[MaxMessageBytes];
        while (socket.State == WebSocketState.Open)
        {
            var message = await ReceiveAsync(socket, buffer, cancellationToken);
            if (message is null)
            {
                yield break;
            }

            if (SettledHash(message.Value) is { } hash)
            {
                yield return hash;
            }
        }
    }

    internal static Uri WebSocketUri(LnbitsOptions lnbits)
    {
        // The same base as the REST client's, with a trailing slash, so a prefix (…/lnbits) is kept.
        var baseUri = NodeAddress.BaseUri(lnbits.Url, "Lightning:Lnbits:Url");
        var builder = new UriBuilder(new Uri(baseUri, $"api/v1/ws/{Uri.EscapeDataString(lnbits.ApiKey!)}"));
        builder.Scheme = builder.Scheme == Uri.UriSchemeHttps ? "wss" : "ws";
        return builder.Uri;
    }

    /// <summary>One whole text message, or null when the server closed the socket.</summary>
    private static async Task<ArraySegment<byte>?> ReceiveAsync(ClientWebSocket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        var length = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                return new ArraySegment<byte>(buffer, 0, length);
            }

            if (length == buffer.Length)
            {
                throw new PaymentBackendException($"{LnbitsPaymentBackend.Node} sent a WebSocket message over {MaxMessageBytes} bytes");
            }
        }
    }

    /// <summary>The payment hash of an incoming, settled payment; null for anything else.</summary>
    private static string? SettledHash(ArraySegment<byte> message)
    {
        try
        {
            var payment = JsonSerializer.Deserialize<LnbitsWalletEvent>(message, NodeJson.Options)?.Payment;
            // Older versions send no status; the watcher re-checks with the node either way.
            var settled = payment?.Status is null or "success";
            var incoming = payment?.Amount is null or > 0;
            return settled && incoming && PaymentHash.IsValid(payment?.PaymentHash) ? payment!.PaymentHash!.ToLowerInvariant() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
