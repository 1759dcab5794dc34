namespace Timmy.Macaroons;

/// <summary>
/// Thrown for any serialized macaroon that cannot be parsed: bad base64, truncation, unknown
/// or misordered fields, wrong signature length, trailing bytes, oversized input.
/// </summary>
/// <remarks>
/// Callers handle untrusted tokens from the network, so parsing failures funnel into this single
/// type (a <see cref="FormatException"/>) instead of leaking IndexOutOfRange and friends.
/// Messages never echo the offending bytes back, only positions and field numbers.
/// </remarks>
public sealed class MacaroonFormatException : FormatException
{
    public MacaroonFormatException(string message)
        : base(message)
    {
    }

    public MacaroonFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
