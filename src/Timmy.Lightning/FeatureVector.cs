namespace Timmy.Lightning;

/// <summary>
/// The <c>9</c> field is a big-endian bit vector; bit 0 is the least significant bit of the last word.
/// Even bits are "required", odd bits "optional" (it's OK to be odd).
/// </summary>
internal static class FeatureVector
{
    public const int VarOnionOptin = 8;
    public const int PaymentSecret = 14;
    public const int BasicMpp = 16;
    public const int RouteBlinding = 24;
    public const int PaymentMetadata = 48;

    /// <summary>Highest bit a 1023-word field can hold.</summary>
    public const int MaxBit = (Bolt11Tag.MaxFieldWords * 5) - 1;

    // Invoice-context ("9") features from BOLT #9. A required bit outside this set must fail decoding.
    private static readonly HashSet<int> KnownRequired = [VarOnionOptin, PaymentSecret, BasicMpp, RouteBlinding, PaymentMetadata];

    public static List<int> SetBits(ReadOnlySpan<byte> words)
    {
        var bits = new List<int>();
        for (var i = words.Length - 1; i >= 0; i--)
        {
            var baseBit = (words.Length - 1 - i) * 5;
            for (var j = 0; j < 5; j++)
            {
                if (((words[i] >> j) & 1) != 0)
                {
                    bits.Add(baseBit + j);
                }
            }
        }

        return bits;
    }

    /// <summary>Minimal big-endian byte form of a set of bits.</summary>
    public static byte[] ToBytes(IReadOnlyCollection<int> bits)
    {
        if (bits.Count == 0)
        {
            return [];
        }

        var bytes = new byte[(bits.Max() / 8) + 1];
        foreach (var bit in bits)
        {
            bytes[bytes.Length - 1 - (bit / 8)] |= (byte)(1 << (bit % 8));
        }

        return bytes;
    }

    /// <summary>Minimal 5-bit word form of a set of bits (empty when no bit is set).</summary>
    public static byte[] ToWords(IEnumerable<int> bits)
    {
        var distinct = bits.Distinct().ToList();
        if (distinct.Count == 0)
        {
            return [];
        }

        foreach (var bit in distinct)
        {
            if (bit is < 0 or > MaxBit)
            {
                throw new ArgumentOutOfRangeException(nameof(bits), bit, $"Feature bits must be 0..{MaxBit}.");
            }
        }

        var words = new byte[(distinct.Max() / 5) + 1];
        foreach (var bit in distinct)
        {
            words[words.Length - 1 - (bit / 5)] |= (byte)(1 << (bit % 5));
        }

        return words;
    }

    /// <summary>Applies the reader rules: unknown even bits fail, known dependencies must be set.</summary>
    public static void Validate(IReadOnlyCollection<int> bits)
    {
        foreach (var bit in bits)
        {
            if (bit % 2 == 0 && !KnownRequired.Contains(bit))
            {
                throw new Bolt11FormatException($"unknown required feature bit {bit}");
            }
        }

        var hasMpp = bits.Contains(BasicMpp) || bits.Contains(BasicMpp + 1);
        var hasSecret = bits.Contains(PaymentSecret) || bits.Contains(PaymentSecret + 1);
        if (hasMpp && !hasSecret)
        {
            throw new Bolt11FormatException("feature basic_mpp requires feature payment_secret");
        }
    }
}
