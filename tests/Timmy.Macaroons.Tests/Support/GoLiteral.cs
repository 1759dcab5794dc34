using System.Globalization;
using System.Text.RegularExpressions;

namespace Timmy.Macaroons.Tests;

/// <summary>Decodes the Go interpreted string literals used in the go-macaroon vectors.</summary>
internal static partial class GoLiteral
{
    /// <summary>Concatenates the bytes of every "..." literal found in <paramref name="source"/>.</summary>
    public static byte[] ConcatenatedBytes(string source)
    {
        var bytes = new List<byte>();
        foreach (Match m in Literal().Matches(source))
        {
            bytes.AddRange(Unescape(m.Groups[1].Value));
        }

        return [.. bytes];
    }

    private static List<byte> Unescape(string body)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (c != '\\')
            {
                bytes.AddRange(System.Text.Encoding.UTF8.GetBytes(c.ToString()));
                continue;
            }

            var e = body[++i];
            switch (e)
            {
                case 'x':
                    bytes.Add(byte.Parse(body.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 2;
                    break;
                case 'n': bytes.Add((byte)'\n'); break;
                case 't': bytes.Add((byte)'\t'); break;
                case '\\': bytes.Add((byte)'\\'); break;
                case '"': bytes.Add((byte)'"'); break;
                default: throw new InvalidDataException($"Unsupported Go escape \\{e}");
            }
        }

        return bytes;
    }

    [GeneratedRegex("\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex Literal();
}
