using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Timmy.Tests.Fakes;

/// <summary>
/// LND's REST gateway as ref/backends.md describes it: HTTPS with a self-signed certificate, the
/// <c>Grpc-Metadata-macaroon</c> header, proto field names with int64 as strings and bytes as base64,
/// <c>{"code","message","details"}</c> errors, and newline-delimited streams for the invoice subscription
/// and <c>/v2/router/send</c>, and <c>/v2/router/track/{hash}</c> (the payment's state, then its updates).
/// A streaming route that fails before its first message answers grpc-gateway's stream error chunk,
/// <c>{"error":{"code","message","details"}}</c>, with the gRPC code's HTTP status. The subscription takes
/// <c>settle_index</c> and first sends every invoice settled after it.
/// </summary>
public sealed class FakeLnd : LoopbackServer
{
    private readonly X509Certificate2 _certificate = SelfSignedCertificate.Create();
    private readonly string _folder = Directory.CreateTempSubdirectory("fake-lnd-").FullName;
    private readonly ConcurrentDictionary<Channel<string>, byte> _subscribers = new();
    private long _settleIndex;
    private int _invoiceLookups;

    public string MacaroonHex { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(48));

    public FakeInvoiceBook Book { get; } = new("lnd");

    /// <summary>The path of the node's tls.cert (PEM), to pin.</summary>
    public string TlsCertPath => Path.Combine(_folder, "tls.cert");

    /// <summary>Make every outgoing payment fail for want of a route.</summary>
    public bool NoRoute { get; set; }

    /// <summary>How a payment is answered once routed (when <see cref="NoRoute"/> is off).</summary>
    public FakePayoutMode Payouts { get; set; }

    /// <summary>The fee_limit_sat of the last payment request.</summary>
    public string? LastFeeLimitSat { get; private set; }

    /// <summary>The <c>amt</c> of the last payment, sent only for an invoice that carries no amount; null when absent.</summary>
    public string? LastAmt { get; private set; }

    public int Subscribers => _subscribers.Count;

    /// <summary>How many times an invoice was looked up (<c>GET /v1/invoice/{hash}</c>): a poll shows here.</summary>
    public int InvoiceLookups => Volatile.Read(ref _invoiceLookups);

    /// <summary>Refuse new invoice subscriptions (gRPC Unavailable), as a restarting node would.</summary>
    public bool RefuseSubscriptions { get; set; }

    /// <summary>The settle_index of the last subscription request (null when it sent none).</summary>
    public string? LastSubscribedSettleIndex { get; private set; }

    protected override X509Certificate2 Certificate => _certificate;

    protected override object ServerErrorBody => new { code = 2, message = "rpc error: internal", details = Array.Empty<object>() };

    public Dictionary<string, string?> TimmySettings() => new()
    {
        ["Lightning:Backend"] = "lnd",
        ["Lightning:Lnd:Url"] = BaseAddress.ToString(),
        ["Lightning:Lnd:Macaroon"] = MacaroonHex,
        ["Lightning:Lnd:TlsCertPath"] = SelfSignedCertificate.WritePem(_certificate, TlsCertPath),
    };

    /// <summary>Writes the macaroon as a binary file, as LND does, and returns its path.</summary>
    public string WriteMacaroonFile()
    {
        var path = Path.Combine(_folder, "admin.macaroon");
        File.WriteAllBytes(path, Convert.FromHexString(MacaroonHex));
        return path;
    }

    protected override void OnStopped() => Directory.Delete(_folder, recursive: true);

    public void Settle(string paymentHash)
    {
        var invoice = Book.Find(paymentHash) ?? throw new InvalidOperationException($"No invoice {paymentHash}");
        if (invoice.SettledAt is null)
        {
            invoice.SettledAt = DateTimeOffset.UtcNow;
            invoice.SettleIndex = Interlocked.Increment(ref _settleIndex);
        }

        var line = JsonSerializer.Serialize(new { result = Invoice(invoice) });
        foreach (var subscriber in _subscribers.Keys)
        {
            subscriber.Writer.TryWrite(line);
        }
    }

    /// <summary>Ends every invoice subscription, as a node going away would.</summary>
    public void DropSubscribers()
    {
        foreach (var subscriber in _subscribers.Keys)
        {
            subscriber.Writer.TryComplete();
        }
    }

    protected override void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (context.Request.Headers["Grpc-Metadata-macaroon"] != MacaroonHex)
            {
                // LND reports a bad macaroon as gRPC Unknown, which the gateway turns into HTTP 500.
                await Error(500, 2, "verification failed: signature mismatch after caveat verification", IsStream(context.Request)).ExecuteAsync(context);
                return;
            }

            await next(context);
        });
        app.MapPost("/v1/invoices", AddInvoiceAsync);
        app.MapGet("/v1/invoice/{rHashHex}", LookupInvoice);
        app.MapGet("/v1/invoices/subscribe", SubscribeAsync);
        app.MapPost("/v2/router/send", SendPaymentAsync);
        app.MapGet("/v2/router/track/{paymentHash}", TrackPaymentAsync);
    }

    private async Task<IResult> AddInvoiceAsync(HttpRequest request)
    {
        var body = await ReadJsonAsync(request);
        var invoice = Book.Issue(Int64(body, "value"), body.GetProperty("memo").GetString() ?? "", Int64(body, "expiry"));
        return Results.Json(new
        {
            r_hash = Convert.ToBase64String(invoice.Hash),
            payment_request = invoice.PaymentRequest,
            add_index = "1",
            payment_addr = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        });
    }

    private IResult LookupInvoice(string rHashHex)
    {
        Interlocked.Increment(ref _invoiceLookups);
        return Book.Find(rHashHex) is { } invoice ? Results.Json(Invoice(invoice)) : Error(404, 5, "unable to locate invoice");
    }

    private async Task SubscribeAsync(HttpContext context)
    {
        if (RefuseSubscriptions)
        {
            await Error(503, 14, "connection error: desc = \"transport: Error while dialing\"", stream: true).ExecuteAsync(context);
            return;
        }

        var lines = Channel.CreateUnbounded<string>();
        LastSubscribedSettleIndex = context.Request.Query["settle_index"].FirstOrDefault();
        if (long.TryParse(LastSubscribedSettleIndex, out var since) && since > 0)
        {
            foreach (var settled in Book.SettledAfter(since))
            {
                lines.Writer.TryWrite(JsonSerializer.Serialize(new { result = Invoice(settled) }));
            }
        }

        _subscribers[lines] = 0;
        try
        {
            context.Response.ContentType = "application/json";
            await context.Response.StartAsync(context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await foreach (var line in lines.Reader.ReadAllAsync(context.RequestAborted))
            {
                await context.Response.WriteAsync(line + "\n", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
            // The subscriber went away.
        }
        finally
        {
            _subscribers.TryRemove(lines, out _);
        }
    }

    private async Task SendPaymentAsync(HttpContext context)
    {
        var body = await ReadJsonAsync(context.Request);
        LastFeeLimitSat = body.TryGetProperty("fee_limit_sat", out var fee) ? fee.ToString() : null;
        LastAmt = body.TryGetProperty("amt", out var amt) ? amt.ToString() : null;
        var invoice = Book.FindPayable(body.GetProperty("payment_request").GetString() ?? "");
        context.Response.ContentType = "application/json";
        // Errors before the first update are the gateway's HTTP error answers; errors after it are lines in the stream.
        if (invoice is null)
        {
            await Error(500, 2, "invalid bech32 string length 24", stream: true).ExecuteAsync(context);
            return;
        }

        if (invoice.Payout is FakePayoutState.InFlight or FakePayoutState.Succeeded)
        {
            // The router refuses a second payment of a hash (gRPC AlreadyExists).
            await Error(409, 6, invoice.Payout == FakePayoutState.Succeeded ? "invoice is already paid" : "payment is in transition", stream: true).ExecuteAsync(context);
            return;
        }

        invoice.Payout = FakePayoutState.InFlight;
        await WriteLineAsync(context, new { result = Payment(invoice, "IN_FLIGHT", "FAILURE_REASON_NONE") });
        if (NoRoute)
        {
            invoice.Payout = FakePayoutState.Failed;
            await WriteLineAsync(context, new { result = Payment(invoice, "FAILED", "FAILURE_REASON_NO_ROUTE") });
            return;
        }

        switch (Payouts)
        {
            case FakePayoutMode.HangUp:
                context.Abort();
                return;
            case FakePayoutMode.StayInFlight:
                // The payment goes on in the node; this stream ends (as when the gateway's call is cut off).
                return;
            case FakePayoutMode.StreamError:
                // The payment goes on in the node while the gateway reports its call failed.
                await WriteLineAsync(context, new { error = new { code = 14, message = "routerrpc server shutting down", details = Array.Empty<object>() } });
                return;
        }

        Book.FinishPayout(invoice.HashHex, succeeded: true);
        await WriteLineAsync(context, new { result = Payment(invoice, "SUCCEEDED", "FAILURE_REASON_NONE") });
    }

    /// <summary>TrackPaymentV2: the hash is URL-safe base64 in the path; an unknown payment is gRPC NotFound.</summary>
    private async Task TrackPaymentAsync(HttpContext context, string paymentHash)
    {
        var hash = Convert.ToHexStringLower(Convert.FromBase64String(paymentHash.Replace('-', '+').Replace('_', '/')));
        if (Book.FindPayout(hash) is not { } payout)
        {
            await Error(404, 5, "payment isn't initiated", stream: true).ExecuteAsync(context);
            return;
        }

        context.Response.ContentType = "application/json";
        var status = payout.Payout switch
        {
            FakePayoutState.Succeeded => "SUCCEEDED",
            FakePayoutState.Failed => "FAILED",
            _ => "IN_FLIGHT",
        };
        await WriteLineAsync(context, new { result = Payment(payout, status, status == "FAILED" ? "FAILURE_REASON_NO_ROUTE" : "FAILURE_REASON_NONE") });
        if (status == "IN_FLIGHT")
        {
            // LND keeps the stream open for the updates that follow; a client wanting only the state hangs up.
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private static async Task WriteLineAsync(HttpContext context, object line)
    {
        await context.Response.WriteAsync(JsonSerializer.Serialize(line) + "\n");
        await context.Response.Body.FlushAsync();
    }

    private static long Int64(JsonElement body, string name) =>
        body.GetProperty(name) is { ValueKind: JsonValueKind.String } text ? long.Parse(text.GetString()!) : body.GetProperty(name).GetInt64();

    /// <summary>A gRPC status as the gateway answers it: unary routes bare, streaming routes wrapped in "error".</summary>
    private static IResult Error(int status, int code, string message, bool stream = false) => stream
        ? Results.Json(new { error = new { code, message, details = Array.Empty<object>() } }, statusCode: status)
        : Results.Json(new { code, message, details = Array.Empty<object>() }, statusCode: status);

    private static bool IsStream(HttpRequest request) =>
        request.Path.StartsWithSegments("/v2/router") || request.Path.StartsWithSegments("/v1/invoices/subscribe");

    private static object Invoice(FakeInvoice invoice) => new
    {
        memo = invoice.Memo,
        r_preimage = Convert.ToBase64String(invoice.Preimage),
        r_hash = Convert.ToBase64String(invoice.Hash),
        value = invoice.AmountSats.ToString(),
        settled = invoice.SettledAt is not null,
        creation_date = invoice.CreatedAt.ToUnixTimeSeconds().ToString(),
        settle_date = (invoice.SettledAt?.ToUnixTimeSeconds() ?? 0).ToString(),
        payment_request = invoice.PaymentRequest,
        expiry = invoice.ExpirySeconds.ToString(),
        amt_paid_sat = (invoice.SettledAt is null ? 0 : invoice.AmountSats).ToString(),
        state = invoice.Cancelled ? "CANCELED" : invoice.SettledAt is null ? "OPEN" : "SETTLED",
        settle_index = invoice.SettleIndex.ToString(),
    };

    private static object Payment(FakeInvoice invoice, string status, string failureReason) => new
    {
        payment_hash = invoice.HashHex,
        value_sat = invoice.AmountSats.ToString(),
        value_msat = (invoice.AmountSats * 1000).ToString(),
        payment_preimage = status == "SUCCEEDED" ? Convert.ToHexStringLower(invoice.Preimage) : "",
        payment_request = invoice.PaymentRequest,
        status,
        fee_sat = "0",
        failure_reason = failureReason,
    };
}
