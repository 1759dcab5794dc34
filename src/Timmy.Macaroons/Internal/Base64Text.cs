using System.Buffers.Text;

namespace Timmy.Macaroons;

/// <summary>
/// Base64 for macaroon tokens. Decoding accepts the standard (+/) and URL-safe (-_) alphabets,
/// padded or not, because libmacaroons, go-macaroon and their users emit all four variants.
/// Encoding always produces URL-safe without padding (what libmacaroons emits for V1 and what
/// its V2 test vectors use), so tokens drop straight into headers, cookies and URLs.
/// </summary>
internal static class Base64Text
{
    private const sbyte Invalid = -1;

    // Decoding is hand-rolled rather than Convert.FromBase64String because the BCL silently skips
    // whitespace and ignores non-zero trailing bits; we want exactly one accepted text per byte
    // string per alphabet/padding choice, and a precise error position for everything else.
    private static readonly sbyte[] Values = BuildValues();

    public static string EncodeUrlSafe(ReadOnlySpan<byte> data) => Base64Url.EncodeToString(data);

    public static byte[] Decode(string text)
    {
        if (text.Length == 0)
        {
            throw new MacaroonFormatException("Macaroon text is empty.");
        }

        var end = text.Length;
        while (end > 0 && text[end - 1] == '=')
        {
            end--;
        }

        var sawStandard = false;
        var sawUrlSafe = false;
        for (var i = 0; i < end; i++)
        {
            var c = text[i];
            if (c >= Values.Length || Values[c] == Invalid)
            {
                throw new MacaroonFormatException($"Invalid base64 character at position {i}.");
            }

            sawStandard |= c is '+' or '/';
            sawUrlSafe |= c is '-' or '_';
        }

        if (sawStandard && sawUrlSafe)
        {
            throw new MacaroonFormatException("Macaroon text mixes standard and URL-safe base64 alphabets.");
        }

        var padding = text.Length - end;
        if (padding > 2 || (padding > 0 && text.Length % 4 != 0))
        {
            throw new MacaroonFormatException("Macaroon text has invalid base64 padding.");
        }

        if (end % 4 == 1)
        {
            throw new MacaroonFormatException("Macaroon text has an impossible base64 length.");
        }

        var output = new byte[end / 4 * 3 + (end % 4 == 0 ? 0 : end % 4 - 1)];
        var o = 0;
        var i4 = 0;
        for (; i4 + 4 <= end; i4 += 4)
        {
            var n = (ValueOf(text[i4]) << 18) | (ValueOf(text[i4 + 1]) << 12) | (ValueOf(text[i4 + 2]) << 6) | ValueOf(text[i4 + 3]);
            output[o++] = (byte)(n >> 16);
            output[o++] = (byte)(n >> 8);
            output[o++] = (byte)n;
        }

        var rest = end - i4;
        if (rest == 2)
        {
            var n = (ValueOf(text[i4]) << 6) | ValueOf(text[i4 + 1]);
            RequireZeroTrailingBits(n & 0x0F);
            output[o] = (byte)(n >> 4);
        }
        else if (rest == 3)
        {
            var n = (ValueOf(text[i4]) << 12) | (ValueOf(text[i4 + 1]) << 6) | ValueOf(text[i4 + 2]);
            RequireZeroTrailingBits(n & 0x03);
            output[o++] = (byte)(n >> 10);
            output[o] = (byte)(n >> 2);
        }

        return output;
    }

    // Only called after validation, so the lookup is never Invalid.
    private static int ValueOf(char c) => Values[c];

    private static void RequireZeroTrailingBits(int bits)
    {
        // Non-zero leftover bits mean a second spelling of the same bytes: reject, don't normalise.
        if (bits != 0)
        {
            throw new MacaroonFormatException("Macaroon text has non-canonical base64 trailing bits.");
        }
    }

    private static sbyte[] BuildValues()
    {
        var values = new sbyte[128];
        Array.Fill(values, Invalid);
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        for (var i = 0; i < alphabet.Length; i++)
        {
            values[alphabet[i]] = (sbyte)i;
        }

        values['+'] = 62;
        values['-'] = 62;
        values['/'] = 63;
        values['_'] = 63;
        return values;
    }
}
