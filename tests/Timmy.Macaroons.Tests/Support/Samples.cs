namespace Timmy.Macaroons.Tests;

/// <summary>Shared macaroons for the robustness tests.</summary>
internal static class Samples
{
    public static readonly byte[] RootKey = "this is the key"u8.ToArray();

    public static readonly string[] Predicates = ["account = 3735928559", "user = alice", "time < 2030-01-01T00:00"];

    public static Macaroon NoCaveats { get; } = Macaroon.Create(RootKey, "keyid", "http://example.org/");

    public static Macaroon ThreeCaveats { get; } = Predicates.Aggregate(NoCaveats, (m, p) => m.AddFirstPartyCaveat(p));

    public static Macaroon NoLocation { get; } = Macaroon.Create(RootKey, "keyid", "").AddFirstPartyCaveat("user = alice");

    /// <summary>Verifier that accepts every caveat, so only the signature protects the macaroon.</summary>
    public static MacaroonVerifier Permissive() => new MacaroonVerifier().SatisfyGeneral(_ => true);

    /// <summary>
    /// True when two macaroons agree on everything the signature covers (identifier, caveat ids
    /// and verification ids, signature). The location is a hint outside the signature.
    /// </summary>
    public static bool SameAuthenticatedContent(Macaroon a, Macaroon b) =>
        a.Identifier.Span.SequenceEqual(b.Identifier.Span)
        && a.Signature.Span.SequenceEqual(b.Signature.Span)
        && a.Caveats.Length == b.Caveats.Length
        && a.Caveats.Zip(b.Caveats).All(p =>
            p.First.Identifier.Span.SequenceEqual(p.Second.Identifier.Span)
            && p.First.IsThirdParty == p.Second.IsThirdParty
            && p.First.VerificationId.Span.SequenceEqual(p.Second.VerificationId.Span));

    public static IEnumerable<(string Name, Macaroon Macaroon)> All()
    {
        yield return ("no caveats", NoCaveats);
        yield return ("three caveats", ThreeCaveats);
        yield return ("no location", NoLocation);
    }
}
