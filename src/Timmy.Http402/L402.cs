using System.Security.Cryptography;
using Timmy.Macaroons;

namespace Timmy.Http402;

/// <summary>An L402 (or LSAT) credential as sent: the macaroons and the hex preimage of the invoice that paid for them.</summary>
public sealed record L402Credential(string Scheme, IReadOnlyList<Macaroon> Macaroons, byte[] Preimage)
{
    public Macaroon Macaroon => Macaroons[0];
}

/// <summary>
/// L402 on the wire (bLIP-0026): the challenge <c>L402 macaroon="…", invoice="…"</c> (and the same under the old name
/// <c>LSAT</c>), the credential <c>L402 &lt;macaroon&gt;[,&lt;macaroon&gt;…]:&lt;hex preimage&gt;</c>, and its check:
/// the preimage hashes to the payment hash, the macaroon's signature and caveats verify.
/// </summary>
public static class L402
{
    public const string Scheme = "L402";
    public const string LegacyScheme = "LSAT";

    public static string Challenge(string scheme, string macaroon, string invoice) =>
        AuthHeader.Format(scheme, [new("macaroon", macaroon), new("invoice", invoice)]);

    /// <summary>True when the Authorization value uses the L402 or LSAT scheme (well formed or not).</summary>
    public static bool IsL402(string? authorization) => SchemeOf(authorization) is { } scheme
        && (scheme.Equals(Scheme, StringComparison.OrdinalIgnoreCase) || scheme.Equals(LegacyScheme, StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads <c>L402 mac[,mac]:preimage</c>; null (with why) when it is not well formed.</summary>
    public static L402Credential? Parse(string? authorization, out string? error)
    {
        error = null;
        if (!IsL402(authorization))
        {
            error = "Not an L402 credential";
            return null;
        }

        var scheme = SchemeOf(authorization)!;
        var token = authorization![(scheme.Length + 1)..].Trim();
        var colon = token.LastIndexOf(':');
        if (colon <= 0)
        {
            error = "An L402 credential is '<macaroon>:<preimage>'";
            return null;
        }

        var preimageHex = token[(colon + 1)..];
        if (preimageHex.Length != 64 || !preimageHex.All(Uri.IsHexDigit))
        {
            error = "The L402 preimage must be 64 hex characters";
            return null;
        }

        var macaroons = new List<Macaroon>();
        foreach (var text in token[..colon].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Macaroon.TryDeserialize(text, out var macaroon, out var macaroonError))
            {
                error = $"Invalid macaroon: {macaroonError}";
                return null;
            }

            macaroons.Add(macaroon);
        }

        if (macaroons.Count == 0)
        {
            error = "The L402 credential carries no macaroon";
            return null;
        }

        return new L402Credential(scheme, macaroons, Convert.FromHexString(preimageHex));
    }

    /// <summary>True when sha256(preimage) is the payment hash (constant time).</summary>
    public static bool PreimageMatches(ReadOnlySpan<byte> preimage, ReadOnlySpan<byte> paymentHash) =>
        paymentHash.Length == 32 && CryptographicOperations.FixedTimeEquals(SHA256.HashData(preimage), paymentHash);

    /// <summary>True when both are 64 hex characters and sha256(preimage) is the payment hash: a credential's text as sent.</summary>
    public static bool PreimageMatches(string? preimageHex, string? paymentHashHex) =>
        IsHex32(preimageHex) && IsHex32(paymentHashHex)
        && PreimageMatches(Convert.FromHexString(preimageHex!), Convert.FromHexString(paymentHashHex!));

    private static bool IsHex32(string? hex) => hex is { Length: 64 } && hex.All(Uri.IsHexDigit);

    /// <summary>
    /// Checks a bLIP-0026 macaroon with its preimage: the identifier's form, the preimage against its payment hash, then
    /// the signature and caveats with <paramref name="verifier"/>. Null when all hold; otherwise why not.
    /// </summary>
    public static string? Rejection(L402Credential credential, ReadOnlySpan<byte> rootKey, MacaroonVerifier verifier)
    {
        if (L402Identifier.TryDecode(credential.Macaroon.Identifier.Span) is not { } identifier)
        {
            return "Invalid macaroon: its identifier is not an L402 identifier";
        }

        if (!PreimageMatches(credential.Preimage, identifier.PaymentHash))
        {
            return "Invalid L402 credential: the preimage does not match the payment hash";
        }

        var verdict = verifier.Verify(credential.Macaroon, rootKey);
        return verdict.IsAuthorized ? null : "Invalid macaroon: its signature or caveats do not verify";
    }

    private static string? SchemeOf(string? authorization)
    {
        var space = authorization?.IndexOf(' ') ?? -1;
        return space > 0 ? authorization![..space] : null;
    }
}
