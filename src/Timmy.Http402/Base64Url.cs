namespace Timmy.Http402;

/// <summary>
/// Base64url as the Payment scheme uses it: written without padding; read strictly, so one payload has one spelling
/// (no line breaks, no standard alphabet, no stray or excess padding, no non-zero trailing bits). Padding at the end
/// is accepted when it is exactly right.
/// </summary>
public static class Base64Url
{
    public static string Encode(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool TryDecode(string? text, out byte[] bytes)
    {
        bytes = [];
        if (text is null)
        {
            return false;
        }

        var body = text;
        var padding = text.Length - text.TrimEnd('=').Length;
        if (padding > 0)
        {
            // Padded input must be padded to a multiple of four, with at most two '='.
            if (padding > 2 || text.Length % 4 != 0)
            {
                return false;
            }

            body = text[..^padding];
            if ((body.Length % 4 == 2 && padding != 2) || (body.Length % 4 == 3 && padding != 1) || body.Length % 4 == 0)
            {
                return false;
            }
        }

        if (body.Length % 4 == 1 || !body.All(IsAlphabet))
        {
            return false;
        }

        var standard = body.Replace('-', '+').Replace('_', '/');
        standard += new string('=', (4 - standard.Length % 4) % 4);
        try
        {
            bytes = Convert.FromBase64String(standard);
        }
        catch (FormatException)
        {
            return false;
        }

        // A lenient decoder drops bits the last character cannot carry; a strict one insists they are zero.
        return Encode(bytes) == body;
    }

    public static byte[] Decode(string text) =>
        TryDecode(text, out var bytes) ? bytes : throw new FormatException("Not canonical base64url");

    private static bool IsAlphabet(char c) => c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_';
}
