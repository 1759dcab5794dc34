using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Timmy.Http402;

/// <summary>
/// RFC 8785 JSON canonicalization: members sorted by UTF-16 code units, strings escaped as ECMAScript's
/// JSON.stringify escapes them, numbers rendered afresh as ECMAScript's shortest round-trip form.
/// </summary>
public static class Jcs
{
    public static bool TryCanonicalize(string json, out string canonical)
    {
        canonical = "";
        try
        {
            using var document = JsonDocument.Parse(json);
            canonical = Canonicalize(document.RootElement);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public static string Canonicalize(JsonElement element)
    {
        var builder = new StringBuilder();
        Write(builder, element);
        return builder.ToString();
    }

    /// <summary>The canonical form of a flat or nested object built in code (strings, numbers, nested dictionaries).</summary>
    public static string Canonicalize(object value) => Canonicalize(JsonSerializer.SerializeToElement(value));

    private static void Write(StringBuilder builder, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                builder.Append('{');
                var first = true;
                foreach (var member in element.EnumerateObject().OrderBy(m => m.Name, StringComparer.Ordinal))
                {
                    builder.Append(first ? "" : ",");
                    first = false;
                    WriteString(builder, member.Name);
                    builder.Append(':');
                    Write(builder, member.Value);
                }

                builder.Append('}');
                break;
            case JsonValueKind.Array:
                builder.Append('[');
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    builder.Append(index++ == 0 ? "" : ",");
                    Write(builder, item);
                }

                builder.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(builder, element.GetString()!);
                break;
            case JsonValueKind.Number:
                builder.Append(FormatNumber(double.Parse(element.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture)));
                break;
            case JsonValueKind.True:
                builder.Append("true");
                break;
            case JsonValueKind.False:
                builder.Append("false");
                break;
            default:
                builder.Append("null");
                break;
        }
    }

    private static void WriteString(StringBuilder builder, string value)
    {
        builder.Append('"');
        foreach (var c in value)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\b' => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        builder.Append('"');
    }

    /// <summary>ECMAScript's Number::toString: positional for exponents in (-6, 21], exponential otherwise.</summary>
    internal static string FormatNumber(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            throw new JsonException("NaN and infinities have no JSON form");
        }

        if (value == 0)
        {
            return "0";
        }

        // "R" gives the shortest digits that round-trip, as d.dddE±x or positional; normalise to digits and exponent.
        var shortest = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = shortest.StartsWith('-');
        var parts = shortest.TrimStart('-').Split('E');
        var mantissa = parts[0];
        var exponent = parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 0;
        var point = mantissa.IndexOf('.');
        var digits = mantissa.Replace(".", "");
        // n: where the decimal point falls after the first significant digit's position (ECMAScript's n).
        var n = (point < 0 ? mantissa.Length : point) + exponent;
        var leading = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        n -= leading;
        var k = digits.Length;
        string result;
        if (k <= n && n <= 21)
        {
            result = digits + new string('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            result = digits[..n] + "." + digits[n..];
        }
        else if (-6 < n && n <= 0)
        {
            result = "0." + new string('0', -n) + digits;
        }
        else
        {
            var e = n - 1;
            result = digits[..1] + (k > 1 ? "." + digits[1..] : "") + "e" + (e >= 0 ? "+" : "-") + Math.Abs(e);
        }

        return negative ? "-" + result : result;
    }
}
