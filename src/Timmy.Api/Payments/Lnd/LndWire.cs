namespace Timmy.Api.Payments.Lnd;

// LND's REST gateway: proto field names, int64 as JSON strings, bytes as base64, enums by name.

internal sealed record LndAddInvoice(string Value, string Memo, string Expiry);

internal sealed record LndAddedInvoice(string? RHash, string? PaymentRequest);

internal sealed record LndInvoice(string? RHash, string? State, long? SettleDate, long? CreationDate, long? Expiry, long? SettleIndex);

/// <param name="Amt">Sats to pay an invoice that carries no amount; left out otherwise (LND refuses it beside an amount).</param>
internal sealed record LndSendPayment(
    string PaymentRequest, int TimeoutSeconds, string FeeLimitSat,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Amt = null);

internal sealed record LndPayment(string? PaymentHash, string? Status, long? ValueSat, string? PaymentPreimage, string? FailureReason);

/// <summary>One line of a streamed answer: <c>{"result": ...}</c> or <c>{"error": {"code","message"}}</c>.</summary>
internal sealed record LndStreamLine<T>(T? Result, LndError? Error);

internal sealed record LndError(int? Code, string? Message);
