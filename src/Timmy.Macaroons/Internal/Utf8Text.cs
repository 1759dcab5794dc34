using System.Text;
using System.Text.Unicode;

namespace Timmy.Macaroons;

/// <summary>Strict UTF-8: invalid bytes are reported, never silently replaced with U+FFFD.</summary>
internal static class Utf8Text
{
    // Replacement characters would let two different byte strings look like the same predicate.
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string? TryDecode(ReadOnlySpan<byte> bytes) =>
        Utf8.IsValid(bytes) ? Strict.GetString(bytes) : null;

    /// <summary>Encodes caller-supplied text; lone surrogates are an argument error, not data loss.</summary>
    public static byte[] Encode(string text, string paramName)
    {
        try
        {
            return Strict.GetBytes(text);
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException("Text is not valid Unicode (lone surrogate).", paramName, ex);
        }
    }
}
