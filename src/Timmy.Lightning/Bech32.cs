using System.Diagnostics.CodeAnalysis;

namespace Timmy.Lightning;

/// <summary>
/// Bech32 (BIP-173) codec with the tweaks BOLT #11 needs: no 90-character limit, and data
/// exposed as 5-bit "words" because invoice fields are not byte aligned.
/// </summary>
public static class Bech32
{
    /// <summary>The 32-character Bech32 alphabet; a word's value is its index here.</summary>
    public const string Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

    private const int ChecksumLength = 6;
    private const char Separator = '1';
    private static readonly uint[] Generator = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
    private static readonly sbyte[] CharsetIndex = BuildCharsetIndex();

    /// <summary>Encodes a lowercase human-readable part and 5-bit words (values 0..31) with a checksum.</summary>
    public static string Encode(string hrp, ReadOnlySpan<byte> words)
    {
        ArgumentNullException.ThrowIfNull(hrp);
        if (hrp.Length == 0)
        {
            throw new ArgumentException("Human-readable part must not be empty.", nameof(hrp));
        }

        foreach (var c in hrp)
        {
            if (c < 33 || c > 126 || char.IsAsciiLetterUpper(c))
            {
                throw new ArgumentException("Human-readable part must be lowercase printable ASCII.", nameof(hrp));
            }
        }

        foreach (var w in words)
        {
            if (w > 31)
            {
                throw new ArgumentException("Words must be 5-bit values (0..31).", nameof(words));
            }
        }

        var checksum = CreateChecksum(hrp, words);
        var chars = new char[hrp.Length + 1 + words.Length + ChecksumLength];
        hrp.CopyTo(chars);
        var pos = hrp.Length;
        chars[pos++] = Separator;
        foreach (var w in words)
        {
            chars[pos++] = Charset[w];
        }

        foreach (var w in checksum)
        {
            chars[pos++] = Charset[w];
        }

        return new string(chars);
    }

    /// <summary>Decodes a Bech32 string; throws <see cref="FormatException"/> when it is not valid.</summary>
    public static (string Hrp, byte[] Words) Decode(string value)
    {
        if (!TryDecode(value, out var hrp, out var words, out var error))
        {
            throw new FormatException(error);
        }

        return (hrp, words);
    }

    /// <summary>
    /// Decodes a Bech32 string without a length limit. The returned hrp is lowercase and the
    /// words exclude the checksum. On failure <paramref name="error"/> says what is wrong.
    /// </summary>
    public static bool TryDecode(
        string? value,
        [NotNullWhen(true)] out string? hrp,
        [NotNullWhen(true)] out byte[]? words,
        [NotNullWhen(false)] out string? error)
    {
        hrp = null;
        words = null;
        if (string.IsNullOrEmpty(value))
        {
            error = "empty string";
            return false;
        }

        bool hasLower = false, hasUpper = false;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c < 33 || c > 126)
            {
                // Don't echo the character: it may be a control or non-ASCII character.
                error = $"invalid character at position {i}";
                return false;
            }

            hasLower |= char.IsAsciiLetterLower(c);
            hasUpper |= char.IsAsciiLetterUpper(c);
        }

        if (hasLower && hasUpper)
        {
            error = "mixed case";
            return false;
        }

        var lower = value.ToLowerInvariant();
        var separator = lower.LastIndexOf(Separator);
        if (separator < 0)
        {
            error = "missing separator '1'";
            return false;
        }

        if (separator == 0)
        {
            error = "empty human-readable part";
            return false;
        }

        if (lower.Length - separator - 1 < ChecksumLength)
        {
            error = "data part is too short to hold a checksum";
            return false;
        }

        var all = new byte[lower.Length - separator - 1];
        for (var i = 0; i < all.Length; i++)
        {
            var c = lower[separator + 1 + i];
            var index = c < CharsetIndex.Length ? CharsetIndex[c] : (sbyte)-1;
            if (index < 0)
            {
                error = $"invalid data character '{c}' at position {separator + 1 + i}";
                return false;
            }

            all[i] = (byte)index;
        }

        var candidateHrp = lower[..separator];
        if (Polymod(candidateHrp, all, ReadOnlySpan<byte>.Empty) != 1)
        {
            error = "invalid checksum";
            return false;
        }

        hrp = candidateHrp;
        words = all[..^ChecksumLength];
        error = null;
        return true;
    }

    /// <summary>Regroups bytes into 5-bit words, padding the last word with zero bits.</summary>
    public static byte[] ToWords(ReadOnlySpan<byte> bytes) => ConvertBits(bytes, 8, 5, pad: true);

    /// <summary>Regroups 5-bit words into bytes, dropping trailing bits that do not fill a byte.</summary>
    public static byte[] FromWords(ReadOnlySpan<byte> words) => ConvertBits(words, 5, 8, pad: false);

    /// <summary>
    /// Regroups big-endian bit groups. With <paramref name="pad"/> a partial last group is
    /// zero-filled; without it the leftover bits are dropped (BOLT #11 fields pad to 5 bits,
    /// so their byte form always has a few spare bits at the end).
    /// </summary>
    public static byte[] ConvertBits(ReadOnlySpan<byte> data, int fromBits, int toBits, bool pad)
    {
        if (fromBits is < 1 or > 8 || toBits is < 1 or > 8)
        {
            throw new ArgumentOutOfRangeException(nameof(fromBits), "Bit group sizes must be 1..8.");
        }

        var totalBits = (long)data.Length * fromBits;
        var outLength = pad ? (int)((totalBits + toBits - 1) / toBits) : (int)(totalBits / toBits);
        var result = new byte[outLength];
        var maxIn = (1 << fromBits) - 1;
        var maxOut = (1 << toBits) - 1;
        int acc = 0, bits = 0, pos = 0;
        foreach (var value in data)
        {
            if (value > maxIn)
            {
                throw new ArgumentException($"Value {value} does not fit in {fromBits} bits.", nameof(data));
            }

            acc = ((acc << fromBits) | value) & 0xFFFF;
            bits += fromBits;
            while (bits >= toBits)
            {
                bits -= toBits;
                result[pos++] = (byte)((acc >> bits) & maxOut);
            }
        }

        if (pad && bits > 0)
        {
            result[pos] = (byte)((acc << (toBits - bits)) & maxOut);
        }

        return result;
    }

    private static byte[] CreateChecksum(string hrp, ReadOnlySpan<byte> words)
    {
        var mod = Polymod(hrp, words, stackalloc byte[ChecksumLength]) ^ 1;
        var checksum = new byte[ChecksumLength];
        for (var i = 0; i < ChecksumLength; i++)
        {
            checksum[i] = (byte)((mod >> (5 * (5 - i))) & 31);
        }

        return checksum;
    }

    // BIP-173 checksum over the expanded hrp followed by the data words (and optional trailer).
    private static uint Polymod(string hrp, ReadOnlySpan<byte> words, ReadOnlySpan<byte> trailer)
    {
        uint chk = 1;
        foreach (var c in hrp)
        {
            chk = Step(chk, (byte)(c >> 5));
        }

        chk = Step(chk, 0);
        foreach (var c in hrp)
        {
            chk = Step(chk, (byte)(c & 31));
        }

        foreach (var w in words)
        {
            chk = Step(chk, w);
        }

        foreach (var w in trailer)
        {
            chk = Step(chk, w);
        }

        return chk;
    }

    private static uint Step(uint chk, byte value)
    {
        var top = chk >> 25;
        chk = ((chk & 0x1ffffff) << 5) ^ value;
        for (var i = 0; i < 5; i++)
        {
            if (((top >> i) & 1) != 0)
            {
                chk ^= Generator[i];
            }
        }

        return chk;
    }

    private static sbyte[] BuildCharsetIndex()
    {
        var index = new sbyte[128];
        Array.Fill(index, (sbyte)-1);
        for (var i = 0; i < Charset.Length; i++)
        {
            index[Charset[i]] = (sbyte)i;
        }

        return index;
    }
}
