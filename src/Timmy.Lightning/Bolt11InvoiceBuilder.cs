using System.Text;

namespace Timmy.Lightning;

/// <summary>
/// Mints signed BOLT #11 invoices (e.g. regtest invoices for refund claims and tests).
/// Signatures are RFC 6979 deterministic and low-S, so the same inputs give the same string.
/// Fields are written in the order s, p, d|h, x, c, n, 9 (the order of the spec's first examples).
/// It is a record so a template can be varied with <c>with { ... }</c>; don't rely on its
/// equality (byte members compare by reference).
/// </summary>
public sealed record Bolt11InvoiceBuilder
{
    /// <summary>var_onion_optin (8) and payment_secret (14), both required, as in the spec examples.</summary>
    public static readonly IReadOnlyList<int> DefaultFeatureBits = [8, 14];

    private const int HashLength = 32;

    // A d field holds at most 1023 words = 639 whole bytes; longer text needs DescriptionHash.
    private const int MaxDescriptionBytes = (Bolt11Tag.MaxFieldWords * 5) / 8;

    public required BitcoinNetwork Network { get; init; }

    /// <summary>Amount in millisatoshi; null for an "any amount" invoice.</summary>
    public long? AmountMsat { get; init; }

    /// <summary>Creation time; sub-second precision is truncated.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    public required ReadOnlyMemory<byte> PaymentHash { get; init; }

    public required ReadOnlyMemory<byte> PaymentSecret { get; init; }

    /// <summary>Set exactly one of this and <see cref="DescriptionHash"/>.</summary>
    public string? Description { get; init; }

    public ReadOnlyMemory<byte>? DescriptionHash { get; init; }

    /// <summary>Whole seconds; null omits the <c>x</c> field (readers then assume 3600 s).</summary>
    public TimeSpan? Expiry { get; init; }

    /// <summary>Null omits the <c>c</c> field (readers then assume 18).</summary>
    public int? MinFinalCltvExpiry { get; init; }

    /// <summary>Feature bits for the <c>9</c> field; empty omits the field.</summary>
    public IReadOnlyCollection<int> FeatureBits { get; init; } = DefaultFeatureBits;

    /// <summary>Also write the payee node id (<c>n</c>) so readers verify instead of recovering.</summary>
    public bool IncludePayeeNodeId { get; init; }

    /// <summary>Signs with a 32-byte node private key and returns the invoice string.</summary>
    /// <exception cref="InvalidOperationException">A builder property is invalid.</exception>
    /// <exception cref="ArgumentException">The private key is invalid.</exception>
    public string Encode(ReadOnlySpan<byte> privateKey)
    {
        var hrp = "ln" + Network.ToCurrencyPrefix() + (AmountMsat is { } msat ? FormatAmount(msat) : "");
        var writer = new Bolt11Writer(TimestampSeconds());

        writer.AddBytes(Bolt11Tag.PaymentSecret, RequireHash(PaymentSecret, nameof(PaymentSecret)));
        writer.AddBytes(Bolt11Tag.PaymentHash, RequireHash(PaymentHash, nameof(PaymentHash)));
        WriteDescription(writer);

        if (Expiry is { } expiry)
        {
            if (expiry < TimeSpan.Zero || expiry.Ticks % TimeSpan.TicksPerSecond != 0)
            {
                throw new InvalidOperationException("Expiry must be a non-negative whole number of seconds.");
            }

            writer.AddNumber(Bolt11Tag.Expiry, (ulong)(expiry.Ticks / TimeSpan.TicksPerSecond));
        }

        if (MinFinalCltvExpiry is { } cltv)
        {
            if (cltv < 0)
            {
                throw new InvalidOperationException("MinFinalCltvExpiry must not be negative.");
            }

            writer.AddNumber(Bolt11Tag.MinFinalCltvExpiry, (ulong)cltv);
        }

        if (IncludePayeeNodeId)
        {
            writer.AddBytes(Bolt11Tag.PayeeNodeId, NodeKeys.DerivePublicKey(privateKey));
        }

        var features = FeatureVector.ToWords(FeatureBits ?? []);
        if (features.Length > 0)
        {
            writer.AddField(Bolt11Tag.Features, features);
        }

        return writer.Sign(hrp, privateKey);
    }

    /// <summary>Encodes, then decodes the result, so the returned invoice passed full validation.</summary>
    public Bolt11Invoice Build(ReadOnlySpan<byte> privateKey) => Bolt11Invoice.Decode(Encode(privateKey));

    private static string FormatAmount(long msat) => msat > 0
        ? Bolt11Amount.Format(msat)
        : throw new InvalidOperationException("AmountMsat must be positive (use null for any amount).");

    private static ReadOnlySpan<byte> RequireHash(ReadOnlyMemory<byte> value, string name) => value.Length == HashLength
        ? value.Span
        : throw new InvalidOperationException($"{name} must be {HashLength} bytes.");

    private long TimestampSeconds()
    {
        var seconds = Timestamp.ToUnixTimeSeconds();
        return seconds is >= 0 and <= Bolt11Writer.MaxTimestamp
            ? seconds
            : throw new InvalidOperationException("Timestamp must be between 1970 and 2^35 seconds after it.");
    }

    private void WriteDescription(Bolt11Writer writer)
    {
        if ((Description is null) == (DescriptionHash is null))
        {
            throw new InvalidOperationException("Set exactly one of Description and DescriptionHash.");
        }

        if (Description is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(Description);
            if (bytes.Length > MaxDescriptionBytes)
            {
                throw new InvalidOperationException(
                    $"Description is over {MaxDescriptionBytes} UTF-8 bytes; use DescriptionHash instead.");
            }

            writer.AddBytes(Bolt11Tag.Description, bytes);
        }
        else
        {
            writer.AddBytes(Bolt11Tag.DescriptionHash, RequireHash(DescriptionHash!.Value, nameof(DescriptionHash)));
        }
    }
}
