namespace Timmy.Lightning;

/// <summary>One <c>r</c> field: a private route from a public node towards the payee, hop by hop.</summary>
public sealed record RouteHint(IReadOnlyList<RouteHintHop> Hops)
{
    public bool Equals(RouteHint? other) => other is not null && Hops.SequenceEqual(other.Hops);

    public override int GetHashCode() => Hops.Count == 0 ? 0 : HashCode.Combine(Hops.Count, Hops[0]);
}

/// <summary>One hop of a route hint (51 bytes on the wire).</summary>
/// <param name="NodeId">33-byte node id at the start of the channel (not validated as a curve point).</param>
/// <param name="ShortChannelId">block height (24 bits) | tx index (24 bits) | output index (16 bits).</param>
public sealed record RouteHintHop(
    ReadOnlyMemory<byte> NodeId,
    ulong ShortChannelId,
    uint FeeBaseMsat,
    uint FeeProportionalMillionths,
    ushort CltvExpiryDelta)
{
    /// <summary>Bytes per hop: pubkey 33 + scid 8 + fee base 4 + fee rate 4 + cltv delta 2.</summary>
    public const int EncodedLength = 51;

    public string NodeIdHex => Convert.ToHexStringLower(NodeId.Span);

    /// <summary>The usual "block x tx x output" rendering, e.g. 66051x263430x1800.</summary>
    public string ShortChannelIdText => $"{ShortChannelId >> 40}x{(ShortChannelId >> 16) & 0xFFFFFF}x{ShortChannelId & 0xFFFF}";

    public bool Equals(RouteHintHop? other) =>
        other is not null
        && NodeId.Span.SequenceEqual(other.NodeId.Span)
        && ShortChannelId == other.ShortChannelId
        && FeeBaseMsat == other.FeeBaseMsat
        && FeeProportionalMillionths == other.FeeProportionalMillionths
        && CltvExpiryDelta == other.CltvExpiryDelta;

    public override int GetHashCode() =>
        HashCode.Combine(NodeIdHex, ShortChannelId, FeeBaseMsat, FeeProportionalMillionths, CltvExpiryDelta);
}
