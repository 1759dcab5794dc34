using System.Text;
using System.Text.RegularExpressions;

namespace Timmy.Macaroons.Tests;

/// <summary>Runs every libmacaroons vector in Vectors/macaroon-vectors.txt.</summary>
public sealed partial class LibmacaroonsVectorTests
{
    public static TheoryData<string> VTestNames => new(Vectors.VTests.Select(t => t.Name));

    // The doc/tests.txt sample predates libmacaroons' V2 fix and is handled by its own test.
    public static TheoryData<string> SerializationNames =>
        new(Vectors.Serializations.Where(s => s.Name != Vectors.TestsDocSample).Select(s => s.Name));

    [Fact]
    public void Vector_file_contains_the_expected_vectors()
    {
        // 16 .vtest files plus the example embedded in doc/tests.txt.
        Assert.Equal(17, Vectors.VTests.Count);
        Assert.Equal(7, Vectors.VTests.Count(t => t.Authorized));

        // serialization_1..3 plus the sample embedded in doc/tests.txt.
        Assert.Equal(4, Vectors.Serializations.Count);
    }

    [Theory]
    [MemberData(nameof(VTestNames))]
    public void Vtest_outcome_matches(string name)
    {
        var test = Vectors.VTests.Single(t => t.Name == name);
        Assert.Empty(test.General); // no builtin general caveats appear in the shipped vectors
        Assert.Single(test.Macaroons); // and no discharge macaroons

        var verifier = new MacaroonVerifier();
        foreach (var predicate in test.Exact)
        {
            verifier.SatisfyExact(predicate);
        }

        var macaroon = VectorMacaroon.Decode(test.Macaroons[0]);
        var result = verifier.Verify(macaroon, Encoding.UTF8.GetBytes(test.Key));

        Assert.True(test.Authorized == result.IsAuthorized, $"{name}: expected {(test.Authorized ? "authorized" : "unauthorized")}, got {result}");
        VectorMacaroon.AssertReserializesExactly(test.Macaroons[0], macaroon);
    }

    [Theory]
    [MemberData(nameof(SerializationNames))]
    public void Serialization_forms_are_equivalent_and_reproduced_byte_for_byte(string name)
    {
        var vector = Vectors.Serializations.Single(s => s.Name == name);
        var v1 = VectorMacaroon.Decode(vector.ByFormat["v1"]);
        var v2 = VectorMacaroon.Decode(vector.ByFormat["v2"]);

        Assert.Equal(v1, v2);
        VectorMacaroon.AssertReserializesExactly(vector.ByFormat["v1"], v1);
        VectorMacaroon.AssertReserializesExactly(vector.ByFormat["v2"], v2);

        // The v2 line as-is (some are padded) is also valid library input.
        Assert.Equal(v2, Macaroon.Deserialize(vector.ByFormat["v2"]));

        if (vector.ByFormat.TryGetValue("v2j", out var v2j))
        {
            // JSON is decoded by test code only, as an independent expected value.
            MacaroonContent.FromJson(Encoding.UTF8.GetString(TestBase64.DecodeAny(v2j))).AssertMatches(v2);
        }

        // Text round trip through both wire versions.
        Assert.Equal(v2, Macaroon.Deserialize(v2.Serialize(MacaroonVersion.V1)));
        Assert.Equal(v2, Macaroon.Deserialize(v2.Serialize()));
    }

    /// <summary>
    /// The V2 line in the doc/tests.txt sample carries an extra EOS byte before the signature:
    /// early libmacaroons wrote "caveats EOS EOS SIGNATURE". The grammar in doc/format.txt, later
    /// libmacaroons, go-macaroon and test/unit/serialization_1 (same commit) all use a single EOS,
    /// so a strict parser must reject it. Its V1 line is still checked normally.
    /// </summary>
    [Fact]
    public void Doc_sample_uses_the_pre_fix_v2_layout_which_is_rejected()
    {
        var sample = Vectors.Serializations.Single(s => s.Name == Vectors.TestsDocSample);
        var v1 = VectorMacaroon.Decode(sample.ByFormat["v1"]);
        VectorMacaroon.AssertReserializesExactly(sample.ByFormat["v1"], v1);

        var legacy = TestBase64.DecodeAny(sample.ByFormat["v2"]);
        Assert.Throws<MacaroonFormatException>(() => Macaroon.FromBinary(legacy));

        // Dropping the one surplus EOS yields exactly our canonical encoding of the same macaroon.
        var canonical = v1.ToBinary();
        var eos = canonical.Length - Macaroon.SignatureLength - 3; // ... EOS | 0x06 0x20 sig
        Assert.Equal(0, legacy[eos]);
        Assert.Equal(canonical, legacy.Take(eos).Concat(legacy.Skip(eos + 1)).ToArray());
    }

    [Theory]
    [MemberData(nameof(SerializationNames))]
    public void Serialization_vectors_are_reproduced_by_minting(string name)
    {
        // The same bytes occur in the vtests, which give the root key "this is the key".
        var expected = VectorMacaroon.Decode(Vectors.Serializations.Single(s => s.Name == name).ByFormat["v2"]);
        var minted = Macaroon.Create("this is the key"u8, expected.Identifier.Span, expected.Location);
        foreach (var caveat in expected.Caveats)
        {
            minted = minted.AddFirstPartyCaveat(caveat.Identifier.Span);
        }

        Assert.Equal(expected, minted);
        Assert.Equal(expected.ToBinary(), minted.ToBinary());
    }

    /// <summary>
    /// Replays the Python session in the libmacaroons README and checks every printed value:
    /// identifier, location, signatures, the V1 serialization and each inspect() dump.
    /// </summary>
    [Fact]
    public void Readme_session_is_reproduced()
    {
        var lines = Vectors.ReadmeSection.Lines.Select(l => l.Trim()).ToList();
        var variables = new Dictionary<string, string>();
        Macaroon? m = null;
        var checks = 0;

        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (Assignment().Match(line) is { Success: true } assign)
            {
                variables[assign.Groups[1].Value] = assign.Groups[2].Value;
            }
            else if (line == ">>> M = macaroons.create(location, secret, public)")
            {
                m = Macaroon.Create(Encoding.UTF8.GetBytes(variables["secret"]), variables["public"], variables["location"]);
            }
            else if (AddCaveat().Match(line) is { Success: true } add)
            {
                m = m!.AddFirstPartyCaveat(add.Groups[1].Value);
            }
            else if (line.StartsWith(">>> M.", StringComparison.Ordinal))
            {
                var expected = Quoted().Match(lines[i + 1]).Groups[1].Value;
                var actual = line switch
                {
                    ">>> M.identifier" => m!.IdentifierText,
                    ">>> M.location" => m!.Location,
                    ">>> M.signature" => Convert.ToHexStringLower(m!.Signature.Span),
                    ">>> M.serialize(format=1)" => m!.Serialize(MacaroonVersion.V1),
                    _ => throw new InvalidDataException($"Unhandled README line: {line}"),
                };
                Assert.Equal(expected, actual);
                checks++;
            }
            else if (line == ">>> print M.inspect()")
            {
                var expected = lines.Skip(i + 1).TakeWhile(l => l.Length > 0).ToList();
                Assert.Equal(expected, Inspect(m!));
                checks++;
            }
        }

        // identifier, location, 3 signatures, 1 serialization, 3 inspect dumps.
        Assert.Equal(9, checks);
    }

    /// <summary>libmacaroons' inspect() layout, built from the public API.</summary>
    private static List<string> Inspect(Macaroon m)
    {
        var lines = new List<string> { $"location {m.Location}", $"identifier {m.IdentifierText}" };
        lines.AddRange(m.Caveats.Select(c => $"cid {c.IdentifierText}"));
        lines.Add($"signature {Convert.ToHexStringLower(m.Signature.Span)}");
        return lines;
    }

    [GeneratedRegex(@"^>>> (\w+) = '(.*)'$")]
    private static partial Regex Assignment();

    [GeneratedRegex(@"^>>> M = M\.add_first_party_caveat\('(.*)'\)$")]
    private static partial Regex AddCaveat();

    [GeneratedRegex(@"^'(.*)'$")]
    private static partial Regex Quoted();
}
