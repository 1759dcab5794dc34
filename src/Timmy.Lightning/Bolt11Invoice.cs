using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Timmy.Lightning;

/// <summary>
/// A decoded, signature-checked BOLT #11 invoice. Instances only come from
/// <see cref="Decode"/>/<see cref="TryDecode"/> (or <see cref="Bolt11InvoiceBuilder.Build"/>),
/// so every instance is known to be well formed and correctly signed.
/// Two invoices are equal when their (lowercased) payment request strings are equal.
/// </summary>
public sealed record Bolt11Invoice
{
    /// <summary>
    /// Longest input we parse. 7089 is the largest QR code payload (numeric mode), so nothing
    /// longer can come from a scan; it bounds the work hostile input can cause.
    /// </summary>
    public const int MaxLength = 7089;

    /// <summary>Minimum final CLTV delta a payer must use when the invoice has no <c>c</c> field.</summary>
    public const int DefaultMinFinalCltvExpiry = 18;

    /// <summary>Expiry when the invoice has no <c>x</c> field.</summary>
    public static readonly TimeSpan DefaultExpiry = TimeSpan.FromSeconds(3600);

    internal Bolt11Invoice(
        string paymentRequest,
        BitcoinNetwork network,
        long? amountMsat,
        DateTimeOffset timestamp,
        byte[] paymentHash,
        byte[] paymentSecret,
        string? description,
        byte[]? descriptionHash,
        TimeSpan expiry,
        int minFinalCltvExpiry,
        byte[] payeeNodeId,
        IReadOnlyList<FallbackAddress> fallbackAddresses,
        IReadOnlyList<RouteHint> routeHints,
        IReadOnlyList<int> featureBits,
        byte[]? metadata)
    {
        PaymentRequest = paymentRequest;
        Network = network;
        AmountMsat = amountMsat;
        Timestamp = timestamp;
        PaymentHash = paymentHash;
        PaymentSecret = paymentSecret;
        Description = description;
        // null converts implicitly to an empty, non-null ReadOnlyMemory; keep absence explicit.
        DescriptionHash = descriptionHash is null ? default(ReadOnlyMemory<byte>?) : descriptionHash;
        Expiry = expiry;
        MinFinalCltvExpiry = minFinalCltvExpiry;
        PayeeNodeId = payeeNodeId;
        FallbackAddresses = fallbackAddresses;
        RouteHints = routeHints;
        FeatureBits = featureBits;
        Features = FeatureVector.ToBytes(featureBits);
        Metadata = metadata is null ? default(ReadOnlyMemory<byte>?) : metadata;
    }

    /// <summary>The invoice string, lowercased (the canonical form; uppercase is only for QR codes).</summary>
    public string PaymentRequest { get; }

    public BitcoinNetwork Network { get; }

    /// <summary>Requested amount in millisatoshi; null when the payer chooses ("any amount").</summary>
    public long? AmountMsat { get; }

    /// <summary>Creation time (whole seconds, UTC).</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>32-byte SHA-256 payment hash (<c>p</c>).</summary>
    public ReadOnlyMemory<byte> PaymentHash { get; }

    public string PaymentHashHex => Convert.ToHexStringLower(PaymentHash.Span);

    /// <summary>32-byte payment secret (<c>s</c>); mandatory.</summary>
    public ReadOnlyMemory<byte> PaymentSecret { get; }

    /// <summary>Short description (<c>d</c>); exactly one of this and <see cref="DescriptionHash"/> is set.</summary>
    public string? Description { get; }

    /// <summary>SHA-256 of a long description delivered out of band (<c>h</c>).</summary>
    public ReadOnlyMemory<byte>? DescriptionHash { get; }

    /// <summary>Time after <see cref="Timestamp"/> when the invoice expires (<c>x</c>, default 1 hour).</summary>
    public TimeSpan Expiry { get; }

    /// <summary>Minimum CLTV delta for the final HTLC (<c>c</c>, default 18).</summary>
    public int MinFinalCltvExpiry { get; }

    /// <summary>33-byte compressed payee node id: the <c>n</c> field or recovered from the signature.</summary>
    public ReadOnlyMemory<byte> PayeeNodeId { get; }

    public string PayeeNodeIdHex => Convert.ToHexStringLower(PayeeNodeId.Span);

    /// <summary>On-chain fallbacks (<c>f</c>) with a known version, most preferred first.</summary>
    public IReadOnlyList<FallbackAddress> FallbackAddresses { get; }

    /// <summary>Private route hints (<c>r</c>), most preferred first.</summary>
    public IReadOnlyList<RouteHint> RouteHints { get; }

    /// <summary>Feature vector (<c>9</c>) as minimal big-endian bytes; bit 0 is the last byte's LSB.</summary>
    public ReadOnlyMemory<byte> Features { get; }

    /// <summary>Set feature bit numbers, ascending (e.g. 8, 14 = var_onion_optin, payment_secret).</summary>
    public IReadOnlyList<int> FeatureBits { get; }

    /// <summary>Payment metadata (<c>m</c>) the payer must echo in the onion, if any.</summary>
    public ReadOnlyMemory<byte>? Metadata { get; }

    /// <summary><see cref="Timestamp"/> + <see cref="Expiry"/>, saturating at <see cref="DateTimeOffset.MaxValue"/>.</summary>
    public DateTimeOffset ExpiresAt =>
        Expiry > DateTimeOffset.MaxValue - Timestamp ? DateTimeOffset.MaxValue : Timestamp + Expiry;

    /// <summary>True from the moment <see cref="ExpiresAt"/> is reached.</summary>
    public bool IsExpired(DateTimeOffset now) => now >= ExpiresAt;

    /// <summary>
    /// Whether <paramref name="description"/> is the one this invoice commits to: equal to
    /// <see cref="Description"/>, or hashing (SHA-256 of UTF-8) to <see cref="DescriptionHash"/>.
    /// </summary>
    public bool MatchesDescription(string description)
    {
        ArgumentNullException.ThrowIfNull(description);
        if (Description is not null)
        {
            return string.Equals(Description, description, StringComparison.Ordinal);
        }

        return DescriptionHash is { } hash
            && SHA256.HashData(Encoding.UTF8.GetBytes(description)).AsSpan().SequenceEqual(hash.Span);
    }

    /// <summary>Decodes and fully validates an invoice (checksum, fields, signature).</summary>
    /// <exception cref="Bolt11FormatException">Always this type, whatever is wrong with the input.</exception>
    public static Bolt11Invoice Decode(string invoice)
    {
        try
        {
            return Bolt11Decoder.Decode(invoice);
        }
        catch (Exception ex) when (ex is not Bolt11FormatException and not OutOfMemoryException)
        {
            // Defense in depth: a hostile string must never surface as another exception type.
            throw new Bolt11FormatException("malformed invoice", ex);
        }
    }

    /// <summary>Like <see cref="Decode"/>, but reports failure through <paramref name="error"/>.</summary>
    public static bool TryDecode(
        string? invoice,
        [NotNullWhen(true)] out Bolt11Invoice? result,
        [NotNullWhen(false)] out string? error)
    {
        try
        {
            result = Decode(invoice!);
            error = null;
            return true;
        }
        catch (Bolt11FormatException ex)
        {
            result = null;
            error = ex.Message;
            return false;
        }
    }

    public bool Equals(Bolt11Invoice? other) =>
        other is not null && string.Equals(PaymentRequest, other.PaymentRequest, StringComparison.Ordinal);

    public override int GetHashCode() => PaymentRequest.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => PaymentRequest;
}
