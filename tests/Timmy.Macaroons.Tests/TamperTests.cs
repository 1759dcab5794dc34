namespace Timmy.Macaroons.Tests;

/// <summary>
/// Single-bit/byte corruption anywhere in a serialized macaroon must end in a
/// <see cref="MacaroonFormatException"/> or a failed verification — never another exception
/// and never an authorized macaroon whose authenticated content differs from the original.
/// </summary>
public sealed class TamperTests
{
    private static readonly byte[] Masks = [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xFF];

    private static readonly char[] Replacements = ['A', 'B', 'Q', 'g', 'z', '0', '9', '-', '_', '+', '/', '=', ' ', '\n', '!', '.', '\0', 'é', '\u2028'];

    public static TheoryData<string, MacaroonVersion> SampleCases()
    {
        var data = new TheoryData<string, MacaroonVersion>();
        foreach (var (name, _) in Samples.All())
        {
            data.Add(name, MacaroonVersion.V1);
            data.Add(name, MacaroonVersion.V2);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SampleCases))]
    public void Flipping_bits_in_the_binary_is_always_caught(string sample, MacaroonVersion version)
    {
        var original = Samples.All().Single(s => s.Name == sample).Macaroon;
        var bytes = original.ToBinary(version);
        var outcomes = new Outcomes();
        Assert.True(Samples.Permissive().Verify(Macaroon.FromBinary(bytes), Samples.RootKey).IsAuthorized);

        for (var i = 0; i < bytes.Length; i++)
        {
            foreach (var mask in Masks)
            {
                var tampered = (byte[])bytes.Clone();
                tampered[i] ^= mask;
                outcomes.Record(Classify(() => Macaroon.FromBinary(tampered), original, $"{sample} {version} byte {i} ^ 0x{mask:x2}"));
            }
        }

        Assert.True(outcomes.Rejected > 0 && outcomes.VerificationFailed > 0);
        if (original.Location.Length > 0)
        {
            // Sanity check of the classifier: location bytes are not signed, so some flips "pass".
            Assert.True(outcomes.LocationOnly > 0);
        }
    }

    [Theory]
    [MemberData(nameof(SampleCases))]
    public void Replacing_any_character_of_the_text_is_always_caught(string sample, MacaroonVersion version)
    {
        var original = Samples.All().Single(s => s.Name == sample).Macaroon;
        var text = original.Serialize(version);
        var outcomes = new Outcomes();

        for (var i = 0; i < text.Length; i++)
        {
            foreach (var c in Replacements)
            {
                if (text[i] == c)
                {
                    continue;
                }

                var tampered = string.Concat(text.AsSpan(0, i), c.ToString(), text.AsSpan(i + 1));
                outcomes.Record(Classify(() => Macaroon.Deserialize(tampered), original, $"{sample} {version} char {i} -> U+{(int)c:X4}"));
            }
        }

        // A parser that rejected everything, or a verifier that failed everything, would pass the loop: the untouched
        // text must still be authorized, and tampering must have reached both the parser's and the verifier's refusal.
        Assert.True(Samples.Permissive().Verify(Macaroon.Deserialize(text), Samples.RootKey).IsAuthorized);
        Assert.True(outcomes.Rejected > 0 && outcomes.VerificationFailed > 0, $"rejected {outcomes.Rejected}, failed verification {outcomes.VerificationFailed}");
    }

    [Fact]
    public void Flipping_bits_in_a_third_party_macaroon_never_authorizes_or_crashes()
    {
        var bytes = GoMacaroonVectorTests.V2Binary();
        Macaroon.FromBinary(bytes);
        var (parsed, rejected) = (0, 0);
        for (var i = 0; i < bytes.Length; i++)
        {
            foreach (var mask in Masks)
            {
                var tampered = (byte[])bytes.Clone();
                tampered[i] ^= mask;
                try
                {
                    var m = Macaroon.FromBinary(tampered);
                    parsed++;
                    Assert.False(Samples.Permissive().Verify(m, Samples.RootKey).IsAuthorized);
                }
                catch (MacaroonFormatException)
                {
                    rejected++;
                }
            }
        }

        // Both ways of refusing were reached: a parser rejecting everything would not pass.
        Assert.True(parsed > 0 && rejected > 0, $"parsed {parsed}, rejected {rejected}");
    }

    private enum Outcome
    {
        Rejected,
        VerificationFailed,
        LocationOnly,
    }

    private sealed class Outcomes
    {
        public int Rejected { get; private set; }

        public int VerificationFailed { get; private set; }

        public int LocationOnly { get; private set; }

        public void Record(Outcome outcome)
        {
            switch (outcome)
            {
                case Outcome.Rejected: Rejected++; break;
                case Outcome.VerificationFailed: VerificationFailed++; break;
                default: LocationOnly++; break;
            }
        }
    }

    /// <summary>Parses and verifies with an accept-everything verifier; fails the test on any unsafe outcome.</summary>
    private static Outcome Classify(Func<Macaroon> parse, Macaroon original, string context)
    {
        Macaroon parsed;
        try
        {
            parsed = parse();
        }
        catch (MacaroonFormatException ex)
        {
            Assert.False(string.IsNullOrWhiteSpace(ex.Message), context);
            return Outcome.Rejected;
        }
        catch (Exception ex)
        {
            Assert.Fail($"{context}: unexpected {ex.GetType().Name}: {ex.Message}");
            throw;
        }

        var result = Samples.Permissive().Verify(parsed, Samples.RootKey);
        if (!result.IsAuthorized)
        {
            return Outcome.VerificationFailed;
        }

        // Authorized is only acceptable if nothing signed changed (e.g. a location byte flip).
        Assert.True(Samples.SameAuthenticatedContent(original, parsed), $"{context}: tampered macaroon was authorized");
        return Outcome.LocationOnly;
    }
}
