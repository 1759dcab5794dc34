using System.Text;

namespace Timmy.Macaroons.Tests;

/// <summary>Independent (BCL-based) base64 helpers so vectors are not decoded by the code under test.</summary>
internal static class TestBase64
{
    public static byte[] DecodeAny(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/').TrimEnd('=');
        s = s.PadRight(s.Length + (4 - s.Length % 4) % 4, '=');
        return Convert.FromBase64String(s);
    }

    public static string UrlUnpadded(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Ascii(byte[] data) => Encoding.ASCII.GetString(data);

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
