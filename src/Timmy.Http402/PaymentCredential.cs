using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Timmy.Http402;

/// <summary>
/// <c>Authorization: Payment &lt;base64url JSON&gt;</c>: the echoed challenge, an optional source, and the intent's
/// payload (for a Lightning charge, <c>{"preimage": "&lt;hex&gt;"}</c>).
/// </summary>
public sealed record PaymentCredential(PaymentChallenge Challenge, JsonObject Payload, string? Source = null)
{
    /// <summary>The payload's <c>preimage</c>, if it carries one as a string.</summary>
    public string? Preimage => IntentRequest.Text(Payload, "preimage");

    public string ToHeader()
    {
        var challenge = new JsonObject();
        foreach (var (name, value) in Challenge.Parameters())
        {
            challenge[name] = value;
        }

        var json = new JsonObject { ["challenge"] = challenge };
        if (Source is not null)
        {
            json["source"] = Source;
        }

        json["payload"] = Payload.DeepClone();
        return PaymentChallenge.Scheme + " " + Base64Url.Encode(Encoding.UTF8.GetBytes(json.ToJsonString()));
    }

    /// <summary>Reads an Authorization value; null (with why) unless it is a well-formed Payment credential.</summary>
    public static PaymentCredential? Parse(string? authorization, out string? error)
    {
        error = null;
        var space = authorization?.IndexOf(' ') ?? -1;
        if (authorization is null || space < 0 || !authorization[..space].Equals(PaymentChallenge.Scheme, StringComparison.OrdinalIgnoreCase))
        {
            error = "Not a Payment credential";
            return null;
        }

        var token = authorization[(space + 1)..].Trim();
        if (token.Length == 0 || !Base64Url.TryDecode(token, out var bytes))
        {
            error = "The Payment credential is not base64url";
            return null;
        }

        try
        {
            if (JsonNode.Parse(bytes) is not JsonObject root
                || root["challenge"] is not JsonObject echoed
                || root["payload"] is not JsonObject payload)
            {
                error = "The Payment credential needs a challenge and a payload";
                return null;
            }

            var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, value) in echoed)
            {
                if (value is JsonValue v && v.TryGetValue<string>(out var text))
                {
                    parameters[name] = text;
                }
            }

            var challenge = PaymentChallenge.FromParameters(parameters);
            if (challenge is null)
            {
                error = "The Payment credential's challenge lacks id, realm, method, intent or request";
                return null;
            }

            var source = root["source"] is JsonValue s && s.TryGetValue<string>(out var sourceText) ? sourceText : null;
            return new PaymentCredential(challenge, (JsonObject)payload.DeepClone(), source);
        }
        catch (JsonException)
        {
            error = "The Payment credential is not JSON";
            return null;
        }
    }
}
