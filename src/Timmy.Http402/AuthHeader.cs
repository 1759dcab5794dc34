using System.Text;

namespace Timmy.Http402;

/// <summary>One challenge of a <c>WWW-Authenticate</c> list: its scheme and its parameters (names lower-cased, first occurrence kept).</summary>
public sealed record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters);

/// <summary>
/// RFC 9110 challenge lists, written and read: quoted-strings with quoted-pairs, token values, several challenges in one
/// header (the Fetch standard joins repeated lines with ", "), empty list elements, case-insensitive names.
/// </summary>
public static class AuthHeader
{
    /// <summary><c>Scheme name="value", …</c> in the order given; quotes and backslashes become quoted-pairs.</summary>
    public static string Format(string scheme, IEnumerable<KeyValuePair<string, string>> parameters) =>
        scheme + " " + string.Join(", ", parameters.Select(p => $"{p.Key}=\"{Quote(p.Value)}\""));

    public static string Quote(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"");

    /// <summary>Every challenge in the header, whatever its scheme.</summary>
    public static IReadOnlyList<AuthChallenge> Parse(string header)
    {
        var challenges = new List<AuthChallenge>();
        Dictionary<string, string>? current = null;
        var position = 0;
        while (true)
        {
            SkipSeparators(header, ref position);
            if (position >= header.Length)
            {
                break;
            }

            var token = ReadToken(header, ref position);
            if (token.Length == 0)
            {
                // Not a token (stray punctuation): skip it rather than loop.
                position++;
                continue;
            }

            var afterToken = position;
            SkipSpaces(header, ref position);
            if (position < header.Length && header[position] == '=' && current is not null)
            {
                position++;
                SkipSpaces(header, ref position);
                var value = position < header.Length && header[position] == '"' ? ReadQuoted(header, ref position) : ReadToken(header, ref position);
                current.TryAdd(token.ToLowerInvariant(), value);
                continue;
            }

            position = afterToken;
            current = new Dictionary<string, string>(StringComparer.Ordinal);
            challenges.Add(new AuthChallenge(token, current));
        }

        return challenges;
    }

    private static void SkipSeparators(string s, ref int i)
    {
        while (i < s.Length && (s[i] is ' ' or '\t' or ','))
        {
            i++;
        }
    }

    private static void SkipSpaces(string s, ref int i)
    {
        while (i < s.Length && (s[i] is ' ' or '\t'))
        {
            i++;
        }
    }

    private static string ReadToken(string s, ref int i)
    {
        var start = i;
        while (i < s.Length && IsTokenChar(s[i]))
        {
            i++;
        }

        return s[start..i];
    }

    private static string ReadQuoted(string s, ref int i)
    {
        var value = new StringBuilder();
        i++; // opening quote
        while (i < s.Length && s[i] != '"')
        {
            if (s[i] == '\\' && i + 1 < s.Length)
            {
                i++;
            }

            value.Append(s[i++]);
        }

        i++; // closing quote
        return value.ToString();
    }

    /// <summary>RFC 9110 tchar.</summary>
    private static bool IsTokenChar(char c) =>
        c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9')
            or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
}
