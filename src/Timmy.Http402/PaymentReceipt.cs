using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Timmy.Http402;

/// <summary>
/// <c>Payment-Receipt</c>: base64url of JSON {status, method, timestamp, reference, challengeId?, refundSats?, refundStatus?}.
/// Optional fields are left out when empty (a zero refund included).
/// </summary>
public sealed record PaymentReceipt(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("timestamp")] string Timestamp,
    [property: JsonPropertyName("reference")] string Reference,
    [property: JsonPropertyName("challengeId")] string? ChallengeId = null,
    [property: JsonPropertyName("refundSats")] long? RefundSats = null,
    [property: JsonPropertyName("refundStatus")] string? RefundStatus = null)
{
    public const string HeaderName = "Payment-Receipt";

    private static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Write '&', '<' and non-ASCII as themselves, as the other implementations do.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static PaymentReceipt Success(string method, DateTimeOffset at, string reference, string? challengeId) =>
        new("success", method, at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture), reference,
            string.IsNullOrEmpty(challengeId) ? null : challengeId);

    public string ToJson() => JsonSerializer.Serialize(this with { RefundSats = RefundSats == 0 ? null : RefundSats }, Json);

    public string Encode() => Base64Url.Encode(Encoding.UTF8.GetBytes(ToJson()));

    public static PaymentReceipt? Decode(string header) =>
        Base64Url.TryDecode(header, out var bytes) ? TryDeserialize(bytes) : null;

    private static PaymentReceipt? TryDeserialize(byte[] bytes)
    {
        try
        {
            return JsonSerializer.Deserialize<PaymentReceipt>(bytes, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>The event a stream sends when the balance runs out: {sessionId, balanceSpent, balanceRequired}.</summary>
public sealed record NeedTopUp(
    [property: JsonPropertyName("sessionId")] string SessionId,
    [property: JsonPropertyName("balanceSpent")] long BalanceSpent,
    [property: JsonPropertyName("balanceRequired")] long BalanceRequired)
{
    public string Encode() => Base64Url.Encode(JsonSerializer.SerializeToUtf8Bytes(this));
}
