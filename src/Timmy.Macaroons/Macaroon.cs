using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;

namespace Timmy.Macaroons;

/// <summary>
/// An immutable macaroon: location hint, identifier, ordered caveats and the 32-byte HMAC-SHA256
/// chain signature. Wire- and signature-compatible with libmacaroons and go-macaroon (V1 and V2).
/// </summary>
/// <remarks>
/// The signature is a bearer secret: whoever holds it can use the macaroon. <see cref="ToString"/>
/// therefore omits it, so logging a macaroon never leaks a usable credential.
/// The location is only a hint and is NOT covered by the signature.
/// </remarks>
public sealed partial class Macaroon : IEquatable<Macaroon>
{
    /// <summary>Length in bytes of every macaroon signature (HMAC-SHA256).</summary>
    public const int SignatureLength = MacaroonCrypto.HashLength;

    private readonly byte[] _identifier;
    private readonly byte[] _signature;

    /// <summary>Takes ownership of the arrays; every caller passes private copies.</summary>
    private Macaroon(string location, byte[] identifier, ImmutableArray<Caveat> caveats, byte[] signature)
    {
        Location = location;
        _identifier = identifier;
        Caveats = caveats;
        _signature = signature;
    }

    /// <summary>Where the macaroon is meant to be used; a hint, not authenticated.</summary>
    public string Location { get; }

    /// <summary>Public identifier the minting service uses to find the root key.</summary>
    public ReadOnlyMemory<byte> Identifier => _identifier;

    /// <summary>The identifier as UTF-8 text, or <c>null</c> when it is not valid UTF-8.</summary>
    public string? IdentifierText => Utf8Text.TryDecode(_identifier);

    /// <summary>Caveats in the order they were added; order matters for the signature chain.</summary>
    public ImmutableArray<Caveat> Caveats { get; }

    /// <summary>The 32-byte chain signature. Treat as secret.</summary>
    public ReadOnlyMemory<byte> Signature => _signature;

    public bool HasThirdPartyCaveats => Caveats.Any(c => c.IsThirdParty);

    internal ReadOnlySpan<byte> IdentifierSpan => _identifier;

    internal ReadOnlySpan<byte> SignatureSpan => _signature;

    /// <summary>Mints a new macaroon (libmacaroons <c>macaroon_create</c>).</summary>
    /// <param name="rootKey">Secret root key, any non-zero length; it is run through the libmacaroons key derivation.</param>
    /// <param name="identifier">Public id that lets the service look the root key up again.</param>
    /// <param name="location">Location hint (may be empty).</param>
    public static Macaroon Create(ReadOnlySpan<byte> rootKey, ReadOnlySpan<byte> identifier, string location)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (rootKey.IsEmpty)
        {
            // An empty key is always a configuration bug, never a deliberate choice.
            throw new ArgumentException("Root key must not be empty.", nameof(rootKey));
        }

        Utf8Text.Encode(location, nameof(location)); // reject lone surrogates up front
        var signature = new byte[SignatureLength];
        MacaroonCrypto.InitialSignature(rootKey, identifier, signature);
        return new Macaroon(location, identifier.ToArray(), ImmutableArray<Caveat>.Empty, signature);
    }

    /// <summary>Mints a new macaroon with a UTF-8 text identifier.</summary>
    public static Macaroon Create(ReadOnlySpan<byte> rootKey, string identifier, string location)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        return Create(rootKey, Utf8Text.Encode(identifier, nameof(identifier)), location);
    }

    /// <summary>Returns a new macaroon with the predicate appended (UTF-8) and the signature chained.</summary>
    public Macaroon AddFirstPartyCaveat(string predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return AddFirstPartyCaveat(Utf8Text.Encode(predicate, nameof(predicate)));
    }

    /// <summary>Returns a new macaroon with the predicate appended and sig' = HMAC(sig, predicate).</summary>
    public Macaroon AddFirstPartyCaveat(ReadOnlySpan<byte> predicate)
    {
        if (predicate.IsEmpty)
        {
            // An empty predicate restricts nothing and is easy to "satisfy" by accident.
            throw new ArgumentException("Caveat predicate must not be empty.", nameof(predicate));
        }

        var signature = (byte[])_signature.Clone();
        MacaroonCrypto.ChainFirstParty(signature, predicate);
        var caveat = Caveat.FirstParty(predicate.ToArray());
        return new Macaroon(Location, _identifier, Caveats.Add(caveat), signature);
    }

    /// <summary>Structural equality over every field; the signature is compared in constant time.</summary>
    public bool Equals(Macaroon? other) =>
        other is not null
        && string.Equals(Location, other.Location, StringComparison.Ordinal)
        && _identifier.AsSpan().SequenceEqual(other._identifier)
        && Caveats.SequenceEqual(other.Caveats)
        && CryptographicOperations.FixedTimeEquals(_signature, other._signature);

    public override bool Equals(object? obj) => Equals(obj as Macaroon);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(_identifier);
        hash.Add(Caveats.Length);
        return hash.ToHashCode();
    }

    /// <summary>Human-readable summary for logs and debugging; deliberately excludes the signature.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append("location ").Append(Location).Append('\n');
        text.Append("identifier ").Append(IdentifierText ?? Convert.ToHexString(_identifier)).Append('\n');
        foreach (var caveat in Caveats)
        {
            text.Append(caveat).Append('\n');
        }

        text.Append("signature <redacted>");
        return text.ToString();
    }
}
