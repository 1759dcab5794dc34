namespace Timmy.Macaroons;

/// <summary>Why a macaroon was refused.</summary>
public enum MacaroonVerificationFailure
{
    /// <summary>Authorized.</summary>
    None,

    /// <summary>The recomputed HMAC chain does not match: wrong root key or tampered content.</summary>
    InvalidSignature,

    /// <summary>A first-party caveat matched no exact or general predicate of the verifier.</summary>
    UnsatisfiedCaveat,

    /// <summary>
    /// The macaroon carries a third-party caveat. Discharge macaroons need NaCl secretbox,
    /// which this library does not implement, so such macaroons are never authorized.
    /// </summary>
    ThirdPartyCaveatNotSupported,
}

/// <summary>Outcome of <see cref="MacaroonVerifier.Verify"/>.</summary>
/// <param name="Failure">Category of failure, or <see cref="MacaroonVerificationFailure.None"/>.</param>
/// <param name="Reason">Human-readable explanation for logs; never contains secrets.</param>
/// <param name="CaveatIndex">Index of the offending caveat, when one is to blame.</param>
public sealed record MacaroonVerificationResult(MacaroonVerificationFailure Failure, string? Reason, int? CaveatIndex)
{
    public static MacaroonVerificationResult Authorized { get; } = new(MacaroonVerificationFailure.None, null, null);

    public bool IsAuthorized => Failure == MacaroonVerificationFailure.None;

    internal static MacaroonVerificationResult Fail(MacaroonVerificationFailure failure, string reason, int? caveatIndex = null) =>
        new(failure, reason, caveatIndex);
}
