using Timmy.Lightning.Crypto;

namespace Timmy.Lightning;

/// <summary>
/// Low-level BOLT #11 writer: timestamp, tagged fields in the order added, then the signature.
/// The builder uses it; tests use it to craft unusual invoices.
/// </summary>
internal sealed class Bolt11Writer
{
    /// <summary>The timestamp is 35 bits.</summary>
    public const long MaxTimestamp = (1L << 35) - 1;

    private readonly List<byte> _words = [];

    public Bolt11Writer(long unixTimestamp)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(unixTimestamp);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(unixTimestamp, MaxTimestamp);
        for (var i = Bolt11Decoder.TimestampWords - 1; i >= 0; i--)
        {
            _words.Add((byte)((unixTimestamp >> (5 * i)) & 31));
        }
    }

    public Bolt11Writer AddField(byte tag, ReadOnlySpan<byte> data)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tag, (byte)31);
        if (data.Length > Bolt11Tag.MaxFieldWords)
        {
            throw new ArgumentException($"Field '{Bolt11Tag.Letter(tag)}' exceeds {Bolt11Tag.MaxFieldWords} words.", nameof(data));
        }

        _words.Add(tag);
        _words.Add((byte)(data.Length >> 5));
        _words.Add((byte)(data.Length & 31));
        foreach (var w in data)
        {
            _words.Add(w);
        }

        return this;
    }

    public Bolt11Writer AddBytes(byte tag, ReadOnlySpan<byte> bytes) => AddField(tag, Bech32.ToWords(bytes));

    /// <summary>Big-endian number in the fewest words (spec: "SHOULD use the minimum data_length").</summary>
    public Bolt11Writer AddNumber(byte tag, ulong value)
    {
        var words = new List<byte>();
        do
        {
            words.Insert(0, (byte)(value & 31));
            value >>= 5;
        }
        while (value != 0);

        return AddField(tag, words.ToArray());
    }

    /// <summary>Signs everything written so far for <paramref name="hrp"/> and returns the invoice string.</summary>
    public string Sign(string hrp, ReadOnlySpan<byte> privateKey)
    {
        var signed = _words.ToArray();
        var hash = Bolt11Signing.SigningHash(hrp, signed);
        var (compact, recoveryId) = Secp256k1.SignRecoverable(hash, privateKey);
        byte[] signature = [.. compact, (byte)recoveryId];
        return Bech32.Encode(hrp, [.. signed, .. Bech32.ToWords(signature)]);
    }
}
