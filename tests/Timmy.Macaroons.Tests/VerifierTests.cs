using System.Text;

namespace Timmy.Macaroons.Tests;

public sealed class VerifierTests
{
    private static readonly byte[] Key = Samples.RootKey;

    [Fact]
    public void Caveat_free_macaroon_is_authorized_by_an_empty_verifier()
    {
        var result = new MacaroonVerifier().Verify(Samples.NoCaveats, Key);
        Assert.True(result.IsAuthorized);
        Assert.Equal(MacaroonVerificationResult.Authorized, result);
    }

    [Fact]
    public void Every_caveat_must_be_satisfied()
    {
        var verifier = new MacaroonVerifier().SatisfyExact(Samples.Predicates[0]).SatisfyExact(Samples.Predicates[2]);
        var result = verifier.Verify(Samples.ThreeCaveats, Key);
        Assert.Equal(MacaroonVerificationFailure.UnsatisfiedCaveat, result.Failure);
        Assert.Equal(1, result.CaveatIndex);

        verifier.SatisfyExact(Samples.Predicates[1]);
        Assert.True(verifier.Verify(Samples.ThreeCaveats, Key).IsAuthorized);
    }

    [Fact]
    public void Extra_predicates_in_the_verifier_do_no_harm()
    {
        var verifier = new MacaroonVerifier().SatisfyExact("unused = 1").SatisfyExact("user = alice");
        Assert.True(verifier.Verify(Samples.NoLocation, Key).IsAuthorized);
    }

    [Fact]
    public void Exact_matching_is_byte_exact()
    {
        foreach (var near in new[] { "user = alice ", "user = Alice", "user=alice", "user = alic", "" })
        {
            Assert.False(new MacaroonVerifier().SatisfyExact(near).Verify(Samples.NoLocation, Key).IsAuthorized);
        }
    }

    [Fact]
    public void General_checks_receive_the_caveat_text()
    {
        var m = Samples.NoCaveats.AddFirstPartyCaveat("time < 2030-01-01T00:00:00Z");
        var seen = new List<string>();
        var verifier = new MacaroonVerifier().SatisfyGeneral(c =>
        {
            seen.Add(c);
            return c.StartsWith("time < ", StringComparison.Ordinal)
                && DateTimeOffset.Parse(c["time < ".Length..], System.Globalization.CultureInfo.InvariantCulture) > new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        });

        Assert.True(verifier.Verify(m, Key).IsAuthorized);
        Assert.Equal(["time < 2030-01-01T00:00:00Z"], seen);
    }

    [Fact]
    public void A_throwing_general_check_counts_as_unsatisfied()
    {
        var m = Samples.NoCaveats.AddFirstPartyCaveat("time < not-a-date");
        var verifier = new MacaroonVerifier()
            .SatisfyGeneral(c => DateTimeOffset.Parse(c[7..], System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UnixEpoch)
            .SatisfyGeneral(_ => throw new InvalidOperationException("boom"));

        var result = verifier.Verify(m, Key);
        Assert.Equal(MacaroonVerificationFailure.UnsatisfiedCaveat, result.Failure);
    }

    [Fact]
    public void Later_general_checks_still_run_after_one_throws()
    {
        var m = Samples.NoCaveats.AddFirstPartyCaveat("ok");
        var verifier = new MacaroonVerifier().SatisfyGeneral(_ => throw new FormatException()).SatisfyGeneral(c => c == "ok");
        Assert.True(verifier.Verify(m, Key).IsAuthorized);
    }

    [Fact]
    public void Invalid_utf8_caveats_are_never_shown_to_general_checks()
    {
        byte[] raw = [0x75, 0x73, 0xFF, 0xFE];
        var m = Samples.NoCaveats.AddFirstPartyCaveat(raw);
        Assert.Null(m.Caveats[0].IdentifierText);

        var called = false;
        var general = new MacaroonVerifier().SatisfyGeneral(_ => called = true);
        Assert.False(general.Verify(m, Key).IsAuthorized);
        Assert.False(called);

        Assert.True(new MacaroonVerifier().SatisfyExact(raw).Verify(m, Key).IsAuthorized);
    }

    [Fact]
    public void Wrong_root_key_is_an_invalid_signature_and_predicates_are_not_consulted()
    {
        var called = false;
        var verifier = new MacaroonVerifier().SatisfyGeneral(_ => called = true);
        foreach (var wrong in new[] { "this is not the key", "this is the key ", "This is the key", "x" })
        {
            var result = verifier.Verify(Samples.ThreeCaveats, Encoding.UTF8.GetBytes(wrong));
            Assert.Equal(MacaroonVerificationFailure.InvalidSignature, result.Failure);
            Assert.Null(result.CaveatIndex);
        }

        Assert.False(called);
    }

    [Fact]
    public void Empty_root_key_is_an_argument_error()
    {
        Assert.Throws<ArgumentException>(() => new MacaroonVerifier().Verify(Samples.NoCaveats, []));
        Assert.Throws<ArgumentNullException>(() => new MacaroonVerifier().Verify(null!, Key));
    }

    [Fact]
    public void Result_reason_is_set_for_failures_and_contains_no_signature()
    {
        var result = new MacaroonVerifier().Verify(Samples.ThreeCaveats, Key);
        Assert.False(result.IsAuthorized);
        Assert.NotNull(result.Reason);
        Assert.DoesNotContain(Convert.ToHexString(Samples.ThreeCaveats.Signature.Span), result.Reason, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Verifier_can_be_reused_for_many_macaroons()
    {
        var verifier = Samples.Predicates.Aggregate(new MacaroonVerifier(), (v, p) => v.SatisfyExact(p));
        for (var i = 0; i < 50; i++)
        {
            Assert.True(verifier.Verify(Samples.ThreeCaveats, Key).IsAuthorized);
            Assert.False(verifier.Verify(Samples.ThreeCaveats, "nope"u8).IsAuthorized);
        }
    }
}
