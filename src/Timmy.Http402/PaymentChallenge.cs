using System.Security.Cryptography;
using System.Text;

namespace Timmy.Http402;

/// <summary>
/// A challenge of the Payment HTTP authentication scheme. <see cref="Request"/> is base64url of the JCS form of the
/// intent's request; <see cref="Id"/> is the server's HMAC over the other parameters, so it can be checked without
/// storing the challenge.
/// </summary>
public sealed record PaymentChallenge(
    string Id,
    string Realm,
    string Method,
    string Intent,
    string Request,
    string? Expires = null,
    string? Digest = null,
    string? Description = null,
    string? Opaque = null)
{
    public const string Scheme = "Payment";

    private static readonly string[] Required = ["id", "realm", "method", "intent", "request"];

    /// <summary>A challenge whose id is computed from its parameters with the server's secret.</summary>
    public static PaymentChallenge Create(
        ReadOnlySpan<byte> secret, string realm, string method, string intent, string request,
        string? expires = null, string? digest = null, string? description = null, string? opaque = null) =>
        new(ComputeId(secret, realm, method, intent, request, expires, digest, opaque), realm, method, intent, request, expires, digest, description, opaque);

    /// <summary>base64url(HMAC-SHA256(secret, realm|method|intent|request|expires|digest|opaque)); absent slots are empty.</summary>
    public static string ComputeId(
        ReadOnlySpan<byte> secret, string realm, string method, string intent, string request, string? expires, string? digest, string? opaque)
    {
        var input = string.Join('|', realm, method, intent, request, expires ?? "", digest ?? "", opaque ?? "");
        return Base64Url.Encode(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(input)));
    }

    /// <summary>True when <see cref="Id"/> is the HMAC of these parameters under <paramref name="secret"/> (constant time).</summary>
    public bool IsIssuedWith(ReadOnlySpan<byte> secret)
    {
        var expected = Encoding.ASCII.GetBytes(ComputeId(secret, Realm, Method, Intent, Request, Expires, Digest, Opaque));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.UTF8.GetBytes(Id));
    }

    public IEnumerable<KeyValuePair<string, string>> Parameters()
    {
        yield return new("id", Id);
        yield return new("realm", Realm);
        yield return new("method", Method);
        yield return new("intent", Intent);
        yield return new("request", Request);
        foreach (var (name, value) in new[] { ("expires", Expires), ("digest", Digest), ("description", Description), ("opaque", Opaque) })
        {
            if (value is not null)
            {
                yield return new(name, value);
            }
        }
    }

    public string ToHeader() => AuthHeader.Format(Scheme, Parameters());

    /// <summary>A challenge from its parameters; null when one of the five required is missing.</summary>
    public static PaymentChallenge? FromParameters(IReadOnlyDictionary<string, string> p) =>
        Required.All(p.ContainsKey)
            ? new(p["id"], p["realm"], p["method"], p["intent"], p["request"],
                p.GetValueOrDefault("expires"), p.GetValueOrDefault("digest"), p.GetValueOrDefault("description"), p.GetValueOrDefault("opaque"))
            : null;

    /// <summary>The complete Payment challenges in a WWW-Authenticate value; incomplete ones and other schemes are skipped.</summary>
    public static IReadOnlyList<PaymentChallenge> ParseList(string header) =>
        AuthHeader.Parse(header)
            .Where(c => c.Scheme.Equals(Scheme, StringComparison.OrdinalIgnoreCase))
            .Select(c => FromParameters(c.Parameters))
            .OfType<PaymentChallenge>()
            .ToList();
}
