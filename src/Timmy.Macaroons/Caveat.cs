namespace Timmy.Macaroons;

/// <summary>
/// One caveat of a macaroon. First-party caveats carry only an identifier (the predicate);
/// third-party caveats additionally carry a verification id and the discharger's location.
/// </summary>
public sealed class Caveat : IEquatable<Caveat>
{
    private readonly byte[] _identifier;
    private readonly byte[]? _verificationId;

    private Caveat(byte[] identifier, byte[]? verificationId, string? location)
    {
        _identifier = identifier;
        _verificationId = verificationId;
        Location = location;
    }

    /// <summary>The caveat identifier: the predicate for first-party caveats.</summary>
    public ReadOnlyMemory<byte> Identifier => _identifier;

    /// <summary>The encrypted caveat key (third-party only); empty for first-party caveats.</summary>
    public ReadOnlyMemory<byte> VerificationId => _verificationId ?? ReadOnlyMemory<byte>.Empty;

    /// <summary>Location hint of the third-party discharger; <c>null</c> for first-party caveats.</summary>
    public string? Location { get; }

    public bool IsFirstParty => _verificationId is null;

    public bool IsThirdParty => _verificationId is not null;

    /// <summary>The identifier as UTF-8 text, or <c>null</c> when it is not valid UTF-8.</summary>
    public string? IdentifierText => Utf8Text.TryDecode(_identifier);

    internal ReadOnlySpan<byte> IdentifierSpan => _identifier;

    internal ReadOnlySpan<byte> VerificationIdSpan => _verificationId;

    /// <summary>Takes ownership of <paramref name="identifier"/>; callers pass a private copy.</summary>
    internal static Caveat FirstParty(byte[] identifier) => new(identifier, null, null);

    /// <summary>Takes ownership of both arrays; callers pass private copies.</summary>
    internal static Caveat ThirdParty(byte[] identifier, byte[] verificationId, string location)
    {
        // An empty verification id would be indistinguishable from a first-party caveat on the wire.
        if (verificationId.Length == 0)
        {
            throw new ArgumentException("A third-party caveat needs a non-empty verification id.", nameof(verificationId));
        }

        return new(identifier, verificationId, location);
    }

    public bool Equals(Caveat? other) =>
        other is not null
        && _identifier.AsSpan().SequenceEqual(other._identifier)
        && IsThirdParty == other.IsThirdParty
        && VerificationIdSpan.SequenceEqual(other.VerificationIdSpan)
        && string.Equals(Location, other.Location, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as Caveat);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(_identifier);
        hash.Add(IsThirdParty);
        return hash.ToHashCode();
    }

    public override string ToString() =>
        IsFirstParty
            ? $"cid {IdentifierText ?? Convert.ToHexString(_identifier)}"
            : $"cid {IdentifierText ?? Convert.ToHexString(_identifier)} (third-party @ {Location})";
}
