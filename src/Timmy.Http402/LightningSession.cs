using System.Text.Json.Nodes;

namespace Timmy.Http402;

/// <summary>
/// The request of a Lightning <c>session</c> (draft-lightning-session-00): {amount (the price of one unit), currency:"sat",
/// description?, unitType?, depositInvoice?, paymentHash, depositAmount?, idleTimeout? (seconds)}. The deposit invoice opens
/// the session, or tops it up when the challenge was issued for one; its payment hash names what the preimage must match.
/// </summary>
public sealed record LightningSession(
    long UnitSats,
    string PaymentHash,
    string? DepositInvoice = null,
    long? DepositSats = null,
    long? IdleTimeoutSeconds = null,
    string? UnitType = null,
    string? Description = null)
{
    public const string Intent = "session";

    public string ToRequestParameter()
    {
        var request = new JsonObject { ["amount"] = IntentRequest.Sats(UnitSats), ["currency"] = "sat" };
        Add(request, "description", Description);
        Add(request, "unitType", UnitType);
        Add(request, "depositInvoice", DepositInvoice);
        request["paymentHash"] = PaymentHash;
        Add(request, "depositAmount", DepositSats is { } deposit ? IntentRequest.Sats(deposit) : null);
        Add(request, "idleTimeout", IdleTimeoutSeconds is { } idle ? IntentRequest.Sats(idle) : null);
        return IntentRequest.Encode(request);
    }

    /// <summary>A session request from its parameter; null unless it is sats with a unit price and a payment hash.</summary>
    public static LightningSession? FromRequestParameter(string requestParameter)
    {
        var json = IntentRequest.Decode(requestParameter);
        if (IntentRequest.ParseSats(IntentRequest.Text(json, "amount")) is not { } unit
            || IntentRequest.Text(json, "currency") != "sat"
            || IntentRequest.Text(json, "paymentHash") is not { } hash)
        {
            return null;
        }

        return new LightningSession(unit, hash, IntentRequest.Text(json, "depositInvoice"),
            IntentRequest.ParseSats(IntentRequest.Text(json, "depositAmount")), IntentRequest.ParseSats(IntentRequest.Text(json, "idleTimeout")),
            IntentRequest.Text(json, "unitType"), IntentRequest.Text(json, "description"));
    }

    private static void Add(JsonObject request, string name, string? value)
    {
        if (value is not null)
        {
            request[name] = value;
        }
    }
}

/// <summary>
/// The payload of a session credential: <c>open</c> (the deposit's <see cref="Preimage"/> and an amountless
/// <see cref="ReturnInvoice"/> for the refund), <c>bearer</c> (<see cref="SessionId"/> and the deposit's preimage),
/// <c>topUp</c> (<see cref="SessionId"/> and the <see cref="TopUpPreimage"/> of the challenge's invoice), <c>close</c>
/// (<see cref="SessionId"/> and the deposit's preimage; what is left is refunded to the return invoice).
/// </summary>
public sealed record SessionPayload(string Action, string? Preimage = null, string? SessionId = null, string? ReturnInvoice = null, string? TopUpPreimage = null)
{
    public const string Open = "open";
    public const string Bearer = "bearer";
    public const string TopUp = "topUp";
    public const string Close = "close";

    /// <summary>The refund a close reports in its receipt: paid, tried and not paid, or nothing to pay.</summary>
    public const string RefundSucceeded = "succeeded";
    public const string RefundFailed = "failed";
    public const string RefundSkipped = "skipped";

    /// <summary>Null unless the payload names one of the four actions.</summary>
    public static SessionPayload? From(JsonObject payload) =>
        IntentRequest.Text(payload, "action") is Open or Bearer or TopUp or Close
            ? new(IntentRequest.Text(payload, "action")!, IntentRequest.Text(payload, "preimage"), IntentRequest.Text(payload, "sessionId"),
                IntentRequest.Text(payload, "returnInvoice"), IntentRequest.Text(payload, "topUpPreimage"))
            : null;

    public JsonObject ToJson()
    {
        var json = new JsonObject { ["action"] = Action };
        foreach (var (name, value) in new[] { ("preimage", Preimage), ("sessionId", SessionId), ("returnInvoice", ReturnInvoice), ("topUpPreimage", TopUpPreimage) })
        {
            if (value is not null)
            {
                json[name] = value;
            }
        }

        return json;
    }
}
