using System.Buffers.Binary;
using System.Text;
using Timmy.Lightning.Crypto;

namespace Timmy.Lightning;

/// <summary>BOLT #11 reader: hrp, timestamp, tagged fields, then the signature.</summary>
internal static class Bolt11Decoder
{
    public const int TimestampWords = 7; // 35 bits

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static Bolt11Invoice Decode(string? input)
    {
        if (string.IsNullOrEmpty(input))
        {
            throw new Bolt11FormatException("invoice is empty");
        }

        if (input.Length > Bolt11Invoice.MaxLength)
        {
            throw new Bolt11FormatException($"invoice is longer than {Bolt11Invoice.MaxLength} characters");
        }

        if (!Bech32.TryDecode(input, out var hrp, out var words, out var bech32Error))
        {
            throw new Bolt11FormatException(bech32Error);
        }

        var (network, amountMsat) = ParseHrp(hrp);

        if (words.Length < TimestampWords + Bolt11Signing.SignatureWords)
        {
            throw new Bolt11FormatException("invoice data is too short");
        }

        var signed = words.AsSpan(0, words.Length - Bolt11Signing.SignatureWords);
        var timestamp = DateTimeOffset.FromUnixTimeSeconds((long)ReadNumber(signed[..TimestampWords], "timestamp"));
        var fields = ParseFields(signed[TimestampWords..]);

        var paymentHash = fields.PaymentHash ?? throw new Bolt11FormatException("missing payment hash (p) field");
        var paymentSecret = fields.PaymentSecret ?? throw new Bolt11FormatException("missing payment secret (s) field");
        if (fields.Description is null && fields.DescriptionHash is null)
        {
            throw new Bolt11FormatException("missing description (d) or description hash (h) field");
        }

        if (fields.Description is not null && fields.DescriptionHash is not null)
        {
            throw new Bolt11FormatException("invoice has both a description (d) and a description hash (h)");
        }

        var featureBits = fields.FeatureBits ?? [];
        FeatureVector.Validate(featureBits);

        var hash = Bolt11Signing.SigningHash(hrp, signed);
        var payee = CheckSignature(hash, words.AsSpan(signed.Length), fields.PayeeNodeId);

        return new Bolt11Invoice(
            input.ToLowerInvariant(),
            network,
            amountMsat,
            timestamp,
            paymentHash,
            paymentSecret,
            fields.Description,
            fields.DescriptionHash,
            fields.Expiry ?? Bolt11Invoice.DefaultExpiry,
            fields.MinFinalCltvExpiry ?? Bolt11Invoice.DefaultMinFinalCltvExpiry,
            payee,
            fields.Fallbacks,
            fields.RouteHints,
            featureBits,
            fields.Metadata);
    }

    /// <summary>hrp = "ln" + currency prefix + optional amount (which always starts with a digit).</summary>
    private static (BitcoinNetwork Network, long? AmountMsat) ParseHrp(string hrp)
    {
        if (!hrp.StartsWith("ln", StringComparison.Ordinal))
        {
            throw new Bolt11FormatException("human-readable part must start with 'ln'");
        }

        var rest = hrp.AsSpan(2);
        var currencyLength = 0;
        while (currencyLength < rest.Length && !char.IsAsciiDigit(rest[currencyLength]))
        {
            currencyLength++;
        }

        if (!BitcoinNetworkPrefix.TryParse(rest[..currencyLength], out var network))
        {
            throw new Bolt11FormatException("unknown currency prefix");
        }

        return (network, Bolt11Amount.Parse(rest[currencyLength..]));
    }

    private static ParsedFields ParseFields(ReadOnlySpan<byte> words)
    {
        var fields = new ParsedFields();
        var pos = 0;
        while (pos < words.Length)
        {
            if (words.Length - pos < 3)
            {
                throw new Bolt11FormatException("truncated tagged field");
            }

            var tag = words[pos];
            var length = (words[pos + 1] << 5) | words[pos + 2];
            pos += 3;
            if (length > words.Length - pos)
            {
                throw new Bolt11FormatException($"tagged field '{Bolt11Tag.Letter(tag)}' is longer than the remaining data");
            }

            fields.Add(tag, words.Slice(pos, length));
            pos += length;
        }

        return fields;
    }

    /// <summary>
    /// With an <c>n</c> field the signature is verified against it and must be low-S (as
    /// libsecp256k1's verify requires); without one the key is recovered, accepting either S.
    /// </summary>
    private static byte[] CheckSignature(byte[] hash, ReadOnlySpan<byte> signatureWords, byte[]? payeeField)
    {
        var signature = Bech32.FromWords(signatureWords);
        var recoveryId = signature[Secp256k1.CompactSignatureLength];
        if (recoveryId > 3)
        {
            throw new Bolt11FormatException("invalid signature recovery id");
        }

        var compact = signature.AsSpan(0, Secp256k1.CompactSignatureLength);

        if (payeeField is not null)
        {
            var point = Secp256k1.TryParsePublicKey(payeeField)
                ?? throw new Bolt11FormatException("payee node id (n) is not a valid public key");
            if (!Secp256k1.IsLowS(compact[32..]))
            {
                throw new Bolt11FormatException("signature is not in low-S form (required with an n field)");
            }

            if (!Secp256k1.Verify(hash, compact, point))
            {
                throw new Bolt11FormatException("signature does not match payee");
            }

            return payeeField;
        }

        return Secp256k1.RecoverPublicKey(hash, compact, recoveryId)
            ?? throw new Bolt11FormatException("signature is not recoverable");
    }

    /// <summary>Big-endian number from 5-bit words; rejects values that don't fit 64 bits.</summary>
    private static ulong ReadNumber(ReadOnlySpan<byte> words, string what)
    {
        ulong value = 0;
        foreach (var w in words)
        {
            if (value >> 59 != 0)
            {
                throw new Bolt11FormatException($"{what} is too large");
            }

            value = (value << 5) | w;
        }

        return value;
    }

    /// <summary>Tagged-field state. The first valid field of each type wins; others are ignored.</summary>
    private sealed class ParsedFields
    {
        // TimeSpan.FromSeconds overflows above this; such an expiry is meaningless anyway.
        private static readonly ulong MaxExpirySeconds = (ulong)TimeSpan.MaxValue.TotalSeconds;

        public byte[]? PaymentHash { get; private set; }

        public byte[]? PaymentSecret { get; private set; }

        public string? Description { get; private set; }

        public byte[]? DescriptionHash { get; private set; }

        public byte[]? PayeeNodeId { get; private set; }

        public TimeSpan? Expiry { get; private set; }

        public int? MinFinalCltvExpiry { get; private set; }

        public List<int>? FeatureBits { get; private set; }

        public byte[]? Metadata { get; private set; }

        public List<FallbackAddress> Fallbacks { get; } = [];

        public List<RouteHint> RouteHints { get; } = [];

        public void Add(byte tag, ReadOnlySpan<byte> data)
        {
            switch (tag)
            {
                // Spec: p, h, s and n fields of the wrong length are skipped, not rejected,
                // so a future variant with a different length stays backward compatible.
                case Bolt11Tag.PaymentHash when data.Length == Bolt11Tag.HashWords:
                    PaymentHash ??= Bech32.FromWords(data);
                    break;
                case Bolt11Tag.PaymentSecret when data.Length == Bolt11Tag.HashWords:
                    PaymentSecret ??= Bech32.FromWords(data);
                    break;
                case Bolt11Tag.DescriptionHash when data.Length == Bolt11Tag.HashWords:
                    DescriptionHash ??= Bech32.FromWords(data);
                    break;
                case Bolt11Tag.PayeeNodeId when data.Length == Bolt11Tag.PublicKeyWords:
                    PayeeNodeId ??= Bech32.FromWords(data);
                    break;
                case Bolt11Tag.Description when Description is null:
                    Description = DecodeDescription(data);
                    break;
                case Bolt11Tag.Expiry when Expiry is null:
                    var seconds = ReadNumber(data, "expiry (x)");
                    Expiry = seconds <= MaxExpirySeconds
                        ? TimeSpan.FromSeconds((long)seconds)
                        : throw new Bolt11FormatException("expiry (x) is too large");
                    break;
                case Bolt11Tag.MinFinalCltvExpiry when MinFinalCltvExpiry is null:
                    var cltv = ReadNumber(data, "min_final_cltv_expiry (c)");
                    MinFinalCltvExpiry = cltv <= int.MaxValue
                        ? (int)cltv
                        : throw new Bolt11FormatException("min_final_cltv_expiry (c) is too large");
                    break;
                case Bolt11Tag.Features when FeatureBits is null:
                    FeatureBits = FeatureVector.SetBits(data);
                    break;
                case Bolt11Tag.Metadata when Metadata is null:
                    Metadata = Bech32.FromWords(data);
                    break;
                case Bolt11Tag.Fallback:
                    if (ParseFallback(data) is { } fallback)
                    {
                        Fallbacks.Add(fallback);
                    }

                    break;
                case Bolt11Tag.RouteHint:
                    RouteHints.Add(ParseRouteHint(data));
                    break;
                default:
                    // Unknown tag, wrong-length fixed field, or a repeat of a field already read.
                    break;
            }
        }

        private static string DecodeDescription(ReadOnlySpan<byte> data)
        {
            try
            {
                return StrictUtf8.GetString(Bech32.FromWords(data));
            }
            catch (DecoderFallbackException)
            {
                throw new Bolt11FormatException("description (d) is not valid UTF-8");
            }
        }

        /// <summary>
        /// Returns null for versions 19..31, which the spec says to skip. A known version with a
        /// program of impossible length is rejected: the writer MUST set a valid program.
        /// </summary>
        private static FallbackAddress? ParseFallback(ReadOnlySpan<byte> data)
        {
            if (data.IsEmpty)
            {
                throw new Bolt11FormatException("malformed fallback address (f) field");
            }

            var version = data[0];
            if (version > FallbackAddress.P2ShVersion)
            {
                return null;
            }

            var program = Bech32.FromWords(data[1..]);
            var valid = version switch
            {
                FallbackAddress.P2PkhVersion or FallbackAddress.P2ShVersion => program.Length == 20,
                0 => program.Length is 20 or 32,
                _ => program.Length is >= 2 and <= 40,
            };
            return valid ? new FallbackAddress(version, program) : throw new Bolt11FormatException("malformed fallback address (f) field");
        }

        private static RouteHint ParseRouteHint(ReadOnlySpan<byte> data)
        {
            var bytes = Bech32.FromWords(data);
            if (bytes.Length == 0 || bytes.Length % RouteHintHop.EncodedLength != 0)
            {
                throw new Bolt11FormatException("malformed route hint (r) field");
            }

            var hops = new List<RouteHintHop>(bytes.Length / RouteHintHop.EncodedLength);
            for (var offset = 0; offset < bytes.Length; offset += RouteHintHop.EncodedLength)
            {
                var hop = bytes.AsSpan(offset, RouteHintHop.EncodedLength);
                hops.Add(new RouteHintHop(
                    hop[..33].ToArray(),
                    BinaryPrimitives.ReadUInt64BigEndian(hop[33..]),
                    BinaryPrimitives.ReadUInt32BigEndian(hop[41..]),
                    BinaryPrimitives.ReadUInt32BigEndian(hop[45..]),
                    BinaryPrimitives.ReadUInt16BigEndian(hop[49..])));
            }

            return new RouteHint(hops);
        }
    }
}
