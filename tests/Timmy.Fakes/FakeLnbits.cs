using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Timmy.Tests.Fakes;

/// <summary>
/// LNbits as ref/backends.md describes it: one wallet with an invoice key and an admin key, payments under
/// <c>/api/v1/payments</c> (v1.x shapes, or v0.12's when <see cref="SpeaksV012"/>), LNbits' error bodies,
/// and the wallet WebSocket <c>/api/v1/ws/{key}</c>.
/// </summary>
public sealed class FakeLnbits : LoopbackServer
{
    public const string InvoiceKey = "a1b2c3d4e5f6invoicekey";
    public const string AdminKey = "f6e5d4c3b2a1adminkey";

    private readonly ConcurrentDictionary<WebSocket, byte> _sockets = new();
    private int _paymentChecks;

    public FakeInvoiceBook Book { get; } = new("lnbits");

    /// <summary>Answer a create with v0.12's four fields, and a payment with its hash alone, instead of a v1.x Payment.</summary>
    public bool SpeaksV012 { get; set; }

    /// <summary>Refuse WebSocket connections, so only polling can notice payments.</summary>
    public bool RefuseWebSockets { get; set; }

    /// <summary>v0.12 only: a check answers <c>paid:false</c> with <c>status:"success"</c> for a settled invoice, as when its <c>paid</c> lags.</summary>
    public bool PaidLagsStatus { get; set; }

    public long BalanceSats { get; set; } = 100_000;

    /// <summary>How a payment request is answered once the invoice is known and affordable.</summary>
    public FakePayoutMode Payouts { get; set; }

    public int WebSocketSubscribers => _sockets.Count;

    /// <summary>How many times a payment was checked (<c>GET /api/v1/payments/{hash}</c>): a poll shows here.</summary>
    public int PaymentChecks => Volatile.Read(ref _paymentChecks);

    protected override object ServerErrorBody => new { detail = "Unexpected error! ID: 5f1e0c" };

    /// <summary>Timmy's settings for this wallet.</summary>
    public Dictionary<string, string?> TimmySettings() => new()
    {
        ["Lightning:Backend"] = "lnbits",
        ["Lightning:Lnbits:Url"] = BaseAddress.ToString(),
        ["Lightning:Lnbits:ApiKey"] = InvoiceKey,
        ["Lightning:Lnbits:AdminKey"] = AdminKey,
    };

    /// <summary>Marks an invoice paid, as if a wallet had paid it, and tells every WebSocket.</summary>
    public async Task SettleAsync(string paymentHash)
    {
        var invoice = Book.Find(paymentHash) ?? throw new InvalidOperationException($"No invoice {paymentHash}");
        invoice.SettledAt ??= DateTimeOffset.UtcNow;
        BalanceSats += invoice.AmountSats;
        var message = JsonSerializer.SerializeToUtf8Bytes(new { wallet_balance = BalanceSats, payment = Payment(invoice, outgoing: false) });
        foreach (var socket in _sockets.Keys)
        {
            await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        }
    }

    /// <summary>Closes every WebSocket, as a restarting LNbits would, and refuses new ones.</summary>
    public async Task DropWebSocketsAsync()
    {
        RefuseWebSockets = true;
        foreach (var socket in _sockets.Keys)
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "restarting", CancellationToken.None);
        }
    }

    protected override void Map(WebApplication app)
    {
        app.MapPost("/api/v1/payments", CreatePaymentAsync);
        app.MapGet("/api/v1/payments/{paymentHash}", CheckPayment);
        app.Map("/api/v1/ws/{key}", WalletSocketAsync);
    }

    private async Task<IResult> CreatePaymentAsync(HttpRequest request)
    {
        if (Authorize(request) is { } refused)
        {
            return refused;
        }

        var key = KeyOf(request);
        var body = await ReadJsonAsync(request);
        // LNbits defaults "out" to true, so a create without it is a payment attempt.
        var outgoing = !body.TryGetProperty("out", out var o) || o.GetBoolean();
        if (!outgoing)
        {
            var invoice = Book.Issue(body.GetProperty("amount").GetInt64(), body.GetProperty("memo").GetString() ?? "", body.TryGetProperty("expiry", out var e) ? e.GetInt64() : 3600);
            return SpeaksV012
                ? Results.Json(new { payment_hash = invoice.HashHex, payment_request = invoice.PaymentRequest, lnurl_response = (string?)null, checking_id = invoice.HashHex }, statusCode: 201)
                : Results.Json(Payment(invoice, outgoing: false), statusCode: 201);
        }

        if (key != AdminKey)
        {
            // v0.12 takes any key for the route and refuses a payment with the invoice key itself (views/api.py).
            return SpeaksV012 ? Detail(401, "Invoice (or Admin) key required.") : Detail(403, "Invalid adminkey.");
        }

        if (!body.TryGetProperty("bolt11", out var bolt11) || string.IsNullOrEmpty(bolt11.GetString()))
        {
            return Detail(400, "Missing BOLT11 invoice");
        }

        var payable = Book.FindPayable(bolt11.GetString()!);
        if (payable is null)
        {
            return Results.Json(new { detail = "Failed to decode invoice.", status = "failed" }, statusCode: 520);
        }

        if (payable.AmountSats > BalanceSats)
        {
            return Results.Json(new { detail = "Insufficient balance.", status = "failed" }, statusCode: 520);
        }

        if (payable.Payout != FakePayoutState.NotAttempted)
        {
            return AlreadyAttempted(payable);
        }

        BalanceSats -= payable.AmountSats;
        payable.Payout = FakePayoutState.InFlight;
        switch (Payouts)
        {
            case FakePayoutMode.HangUp:
                request.HttpContext.Abort();
                return Results.Empty;
            case FakePayoutMode.StayInFlight:
                return PaymentSent(payable);
        }

        Book.FinishPayout(payable.HashHex, succeeded: true);
        return PaymentSent(payable);
    }

    /// <summary>
    /// A second payment of a hash LNbits already tried. v1.x (services/payments.py) answers by the first attempt's
    /// status; v0.12 fails to store a second payment with the same id and answers a bare "Could not make payment.".
    /// </summary>
    private IResult AlreadyAttempted(FakeInvoice payable)
    {
        if (SpeaksV012)
        {
            return Results.Json(new { detail = "Could not make payment." }, statusCode: 520);
        }

        return payable.Payout switch
        {
            FakePayoutState.InFlight => Results.Json(new { detail = "Payment is still pending.", status = "pending" }, statusCode: 520),
            FakePayoutState.Succeeded => Results.Json(new { detail = "Payment already paid.", status = "success" }, statusCode: 520),
            _ => Results.Json(new { detail = "Payment is failed node, retrying is not possible.", status = "failed" }, statusCode: 520),
        };
    }

    /// <summary>v1.x answers with the Payment and its status; v0.12 with the hash alone, whether or not it has settled.</summary>
    private IResult PaymentSent(FakeInvoice payable) => SpeaksV012
        ? Results.Json(new { payment_hash = payable.HashHex, checking_id = payable.HashHex }, statusCode: 201)
        : Results.Json(Payment(payable, outgoing: true), statusCode: 201);

    private IResult CheckPayment(HttpRequest request, string paymentHash)
    {
        Interlocked.Increment(ref _paymentChecks);
        if (Book.FindPayout(paymentHash) is { } payout)
        {
            return payout.Payout == FakePayoutState.Failed
                ? Results.Json(new { paid = false, status = "failed" })
                : Results.Json(new { paid = payout.Payout == FakePayoutState.Succeeded, preimage = payout.SettledAt is null ? null : Convert.ToHexStringLower(payout.Preimage), details = Payment(payout, outgoing: true) });
        }

        var invoice = Book.Find(paymentHash);
        if (invoice is null)
        {
            return Detail(404, "Payment does not exist.");
        }

        if (invoice.Cancelled)
        {
            return Results.Json(new { paid = false, status = "failed" });
        }

        var paid = invoice.SettledAt is not null;
        if (SpeaksV012 && PaidLagsStatus)
        {
            return Results.Json(new { paid = false, status = paid ? "success" : "pending", preimage = paid ? Convert.ToHexStringLower(invoice.Preimage) : null });
        }

        return KeyOf(request) is InvoiceKey or AdminKey
            ? Results.Json(new { paid, preimage = paid ? Convert.ToHexStringLower(invoice.Preimage) : null, details = Payment(invoice, outgoing: false) })
            : Results.Json(new { paid, preimage = paid ? Convert.ToHexStringLower(invoice.Preimage) : null });
    }

    private async Task WalletSocketAsync(HttpContext context, string key)
    {
        if (!context.WebSockets.IsWebSocketRequest || RefuseWebSockets || key is not (InvoiceKey or AdminKey))
        {
            context.Response.StatusCode = RefuseWebSockets ? 403 : 404;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        _sockets[socket] = 0;
        try
        {
            // LNbits only pushes; read until the client goes away.
            var buffer = new byte[1024];
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, context.RequestAborted);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // The client disconnected or the server is stopping.
        }
        finally
        {
            _sockets.TryRemove(socket, out _);
        }
    }

    private static IResult? Authorize(HttpRequest request) => KeyOf(request) switch
    {
        null or "" => Detail(401, "No Api Key provided."),
        InvoiceKey or AdminKey => null,
        _ => Detail(404, "Wallet not found."),
    };

    private static string? KeyOf(HttpRequest request) =>
        request.Headers["X-Api-Key"].FirstOrDefault() ?? request.Query["api-key"].FirstOrDefault();

    private static IResult Detail(int status, string detail) => Results.Json(new { detail }, statusCode: status);

    /// <summary>A v1.x Payment object; amounts in msat, negative for outgoing.</summary>
    private static object Payment(FakeInvoice invoice, bool outgoing) => new
    {
        checking_id = invoice.HashHex,
        payment_hash = invoice.HashHex,
        wallet_id = "wallet-1",
        amount = (outgoing ? -1 : 1) * invoice.AmountSats * 1000,
        fee = 0,
        bolt11 = invoice.PaymentRequest,
        payment_request = invoice.PaymentRequest,
        status = invoice.Payout == FakePayoutState.Failed ? "failed" : invoice.SettledAt is null ? "pending" : "success",
        memo = invoice.Memo,
        expiry = invoice.CreatedAt.AddSeconds(invoice.ExpirySeconds).ToString("O"),
        preimage = invoice.SettledAt is null ? null : Convert.ToHexStringLower(invoice.Preimage),
        created_at = invoice.CreatedAt.ToString("O"),
    };
}
