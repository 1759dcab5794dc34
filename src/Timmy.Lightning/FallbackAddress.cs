namespace Timmy.Lightning;

/// <summary>
/// An on-chain fallback (<c>f</c> field), kept raw: no address string is rendered because that
/// needs per-network Base58Check/Bech32m encoding the service does not use.
/// </summary>
/// <param name="Version">0..16 = segwit witness version, 17 = P2PKH, 18 = P2SH.</param>
/// <param name="Program">Witness program, or the 20-byte public-key/script hash.</param>
public sealed record FallbackAddress(byte Version, ReadOnlyMemory<byte> Program)
{
    public const byte P2PkhVersion = 17;
    public const byte P2ShVersion = 18;

    public bool IsWitness => Version <= 16;

    public string ProgramHex => Convert.ToHexStringLower(Program.Span);

    // Records compare ReadOnlyMemory by reference; compare the bytes instead.
    public bool Equals(FallbackAddress? other) =>
        other is not null && Version == other.Version && Program.Span.SequenceEqual(other.Program.Span);

    public override int GetHashCode() => HashCode.Combine(Version, ProgramHex);
}
