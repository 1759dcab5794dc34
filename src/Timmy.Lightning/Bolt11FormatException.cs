namespace Timmy.Lightning;

/// <summary>
/// The one exception type invoice decoding throws, whatever is wrong with the input, so
/// callers can map it to a client error (HTTP 400) with <see cref="Exception.Message"/>.
/// </summary>
public sealed class Bolt11FormatException : FormatException
{
    public Bolt11FormatException()
        : base("invalid BOLT #11 invoice")
    {
    }

    public Bolt11FormatException(string message)
        : base(message)
    {
    }

    public Bolt11FormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
