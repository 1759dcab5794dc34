using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Timmy.Http402;

/// <summary>The <c>request</c> parameter of a Payment challenge, for every intent: base64url of the JCS form of a JSON object.</summary>
public static class IntentRequest
{
    public static string Encode(JsonObject request)
    {
        Jcs.TryCanonicalize(request.ToJsonString(), out var canonical);
        return Base64Url.Encode(Encoding.UTF8.GetBytes(canonical));
    }

    /// <summary>The object a request parameter carries; null when it is not base64url of a JSON object.</summary>
    public static JsonObject? Decode(string requestParameter)
    {
        if (!Base64Url.TryDecode(requestParameter, out var bytes))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(bytes) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A member that is a string; null when absent or of another type.</summary>
    public static string? Text(JsonObject? json, string name) =>
        json?[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>Amounts travel as decimal strings of whole sats: "1000", never 1000 or "1e3".</summary>
    public static string Sats(long sats) => sats.ToString(CultureInfo.InvariantCulture);

    public static long? ParseSats(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var sats) ? sats : null;
}
