using System.Security.Cryptography;

namespace Timmy.Macaroons;

/// <summary>
/// Decides whether a macaroon is authorized: the HMAC chain must match the root key and every
/// first-party caveat must be satisfied by an exact predicate or a general check
/// (libmacaroons <c>macaroon_verifier_satisfy_exact/general</c>).
/// </summary>
/// <remarks>
/// Configure once, then share: <see cref="Verify"/> does not mutate the verifier, but the
/// Satisfy* methods are not thread-safe. Third-party caveats are not supported (see
/// <see cref="MacaroonVerificationFailure.ThirdPartyCaveatNotSupported"/>).
/// </remarks>
public sealed class MacaroonVerifier
{
    private readonly List<byte[]> _exact = [];
    private readonly List<Func<string, bool>> _general = [];

    /// <summary>Accept a caveat whose identifier is exactly this UTF-8 text.</summary>
    public MacaroonVerifier SatisfyExact(string predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        _exact.Add(Utf8Text.Encode(predicate, nameof(predicate)));
        return this;
    }

    /// <summary>Accept a caveat whose identifier is exactly these bytes.</summary>
    public MacaroonVerifier SatisfyExact(ReadOnlySpan<byte> predicate)
    {
        _exact.Add(predicate.ToArray());
        return this;
    }

    /// <summary>
    /// Accept any caveat for which <paramref name="check"/> returns true. The check only sees
    /// caveats that are valid UTF-8 and only after the signature has been verified.
    /// </summary>
    /// <remarks>
    /// Caveat text is attacker-influenced (any holder may append caveats), so an exception thrown
    /// by the check counts as "not satisfied" rather than escaping from <see cref="Verify"/>.
    /// </remarks>
    public MacaroonVerifier SatisfyGeneral(Func<string, bool> check)
    {
        ArgumentNullException.ThrowIfNull(check);
        _general.Add(check);
        return this;
    }

    /// <summary>Verifies <paramref name="macaroon"/> against the root key it was minted with.</summary>
    public MacaroonVerificationResult Verify(Macaroon macaroon, ReadOnlySpan<byte> rootKey)
    {
        ArgumentNullException.ThrowIfNull(macaroon);
        if (rootKey.IsEmpty)
        {
            throw new ArgumentException("Root key must not be empty.", nameof(rootKey));
        }

        // Signature first: predicates never run on unauthenticated content, and the comparison is
        // constant-time so a forger learns nothing about how close a guess was.
        Span<byte> expected = stackalloc byte[Macaroon.SignatureLength];
        MacaroonCrypto.ComputeSignature(rootKey, macaroon, expected);
        var signatureMatches = CryptographicOperations.FixedTimeEquals(expected, macaroon.SignatureSpan);
        CryptographicOperations.ZeroMemory(expected);
        if (!signatureMatches)
        {
            return MacaroonVerificationResult.Fail(MacaroonVerificationFailure.InvalidSignature, "Signature does not match.");
        }

        var caveats = macaroon.Caveats;
        for (var i = 0; i < caveats.Length; i++)
        {
            var caveat = caveats[i];
            if (caveat.IsThirdParty)
            {
                return MacaroonVerificationResult.Fail(
                    MacaroonVerificationFailure.ThirdPartyCaveatNotSupported,
                    $"Caveat {i} is a third-party caveat; discharge macaroons are not supported.",
                    i);
            }

            if (!IsSatisfied(caveat))
            {
                return MacaroonVerificationResult.Fail(
                    MacaroonVerificationFailure.UnsatisfiedCaveat,
                    $"Caveat {i} is not satisfied.",
                    i);
            }
        }

        return MacaroonVerificationResult.Authorized;
    }

    private bool IsSatisfied(Caveat caveat)
    {
        var predicate = caveat.IdentifierSpan;
        foreach (var exact in _exact)
        {
            if (predicate.SequenceEqual(exact))
            {
                return true;
            }
        }

        if (_general.Count == 0)
        {
            return false;
        }

        // Invalid UTF-8 cannot be shown to a string predicate without lossy replacement.
        var text = caveat.IdentifierText;
        if (text is null)
        {
            return false;
        }

        foreach (var check in _general)
        {
            try
            {
                if (check(text))
                {
                    return true;
                }
            }
            catch (Exception)
            {
                // Deliberately swallowed: a throwing check simply does not satisfy the caveat.
            }
        }

        return false;
    }
}
