namespace Timmy.Macaroons.Tests;

public sealed class TruncationAndReorderTests
{
    public static TheoryData<string, MacaroonVersion> SampleCases() => TamperTests.SampleCases();

    [Theory]
    [MemberData(nameof(SampleCases))]
    public void Every_binary_prefix_is_a_format_error(string sample, MacaroonVersion version)
    {
        var bytes = Samples.All().Single(s => s.Name == sample).Macaroon.ToBinary(version);
        for (var length = 0; length < bytes.Length; length++)
        {
            var prefix = bytes.AsSpan(0, length).ToArray();
            Assert.Throws<MacaroonFormatException>(() => Macaroon.FromBinary(prefix));
        }
    }

    [Theory]
    [MemberData(nameof(SampleCases))]
    public void Every_text_prefix_is_a_format_error(string sample, MacaroonVersion version)
    {
        var text = Samples.All().Single(s => s.Name == sample).Macaroon.Serialize(version);
        for (var length = 0; length < text.Length; length++)
        {
            var prefix = text[..length];
            Assert.Throws<MacaroonFormatException>(() => Macaroon.Deserialize(prefix));
            Assert.False(Macaroon.TryDeserialize(prefix, out _, out var error));
            Assert.NotEmpty(error);
        }
    }

    [Theory]
    [MemberData(nameof(SampleCases))]
    public void Trailing_bytes_are_a_format_error(string sample, MacaroonVersion version)
    {
        var bytes = Samples.All().Single(s => s.Name == sample).Macaroon.ToBinary(version);
        foreach (var extra in new byte[] { 0x00, 0x02, 0x06, (byte)'0', (byte)'\n', 0xFF })
        {
            Assert.Throws<MacaroonFormatException>(() => Macaroon.FromBinary([.. bytes, extra]));
        }

        var text = Samples.All().Single(s => s.Name == sample).Macaroon.Serialize(version);
        foreach (var suffix in new[] { "A", "AA", "AAA", "AAAA", "===", " ", "\n" }) // a lone "=" may be valid padding
        {
            Assert.Throws<MacaroonFormatException>(() => Macaroon.Deserialize(text + suffix));
        }
    }

    [Fact]
    public void Reordered_caveats_fail_the_signature_check()
    {
        var original = Samples.ThreeCaveats;
        var signature = original.Signature.ToArray();
        var verifier = new MacaroonVerifier();
        foreach (var p in Samples.Predicates)
        {
            verifier.SatisfyExact(p);
        }

        // Sanity: the hand-built original order is byte-identical and authorized.
        var same = Macaroon.FromBinary(V2Builder.Macaroon(signature, Samples.Predicates));
        Assert.Equal(original.ToBinary(), same.ToBinary());
        Assert.True(verifier.Verify(same, Samples.RootKey).IsAuthorized);

        foreach (var order in Permutations([0, 1, 2]).Where(o => !o.SequenceEqual([0, 1, 2])))
        {
            var reordered = Macaroon.FromBinary(V2Builder.Macaroon(signature, order.Select(i => Samples.Predicates[i]).ToArray()));
            var result = verifier.Verify(reordered, Samples.RootKey);
            Assert.Equal(MacaroonVerificationFailure.InvalidSignature, result.Failure);
        }
    }

    [Fact]
    public void Removing_or_duplicating_caveats_fails_the_signature_check()
    {
        var signature = Samples.ThreeCaveats.Signature.ToArray();
        var p = Samples.Predicates;
        string[][] variants =
        [
            [p[0], p[1]], [p[0], p[2]], [p[1], p[2]], [],
            [p[0], p[1], p[2], p[2]], [p[0], p[0], p[1], p[2]],
        ];

        foreach (var caveats in variants)
        {
            var m = Macaroon.FromBinary(V2Builder.Macaroon(signature, caveats));
            Assert.Equal(MacaroonVerificationFailure.InvalidSignature, Samples.Permissive().Verify(m, Samples.RootKey).Failure);
        }
    }

    [Fact]
    public void An_earlier_signature_cannot_be_reused_to_drop_later_caveats()
    {
        // Holder of the 3-caveat macaroon knows only its final signature; an intermediate
        // macaroon's signature with fewer caveats is what the service must refuse to accept
        // when paired with a different caveat list.
        var twoCaveats = Samples.NoCaveats.AddFirstPartyCaveat(Samples.Predicates[0]).AddFirstPartyCaveat(Samples.Predicates[1]);
        var forged = Macaroon.FromBinary(V2Builder.Macaroon(twoCaveats.Signature.ToArray(), Samples.Predicates[0], Samples.Predicates[2]));
        Assert.False(Samples.Permissive().Verify(forged, Samples.RootKey).IsAuthorized);
    }

    private static IEnumerable<int[]> Permutations(int[] items) =>
        items.Length <= 1
            ? [items]
            : items.SelectMany(x => Permutations(items.Where(y => y != x).ToArray()).Select(rest => (int[])[x, .. rest]));
}
