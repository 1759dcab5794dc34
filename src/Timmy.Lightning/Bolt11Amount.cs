using System.Globalization;
using System.Numerics;

namespace Timmy.Lightning;

/// <summary>
/// The hrp amount: a decimal count of bitcoin, optionally scaled by m/u/n/p. We work in
/// millisatoshi (1 BTC = 10^11 msat), so "p" (10^-12 BTC) must be a multiple of 10.
/// </summary>
internal static class Bolt11Amount
{
    private const long MsatPerBtc = 100_000_000_000;
    private const long MsatPerMilli = 100_000_000;
    private const long MsatPerMicro = 100_000;
    private const long MsatPerNano = 100;

    // long.MaxValue has 19 digits; "p" amounts carry one extra digit. Anything longer overflows.
    private const int MaxDigits = 20;

    /// <summary>Parses the amount text after the currency prefix; empty means "any amount".</summary>
    public static long? Parse(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return null;
        }

        var multiplier = '\0';
        var digits = text;
        var last = text[^1];
        if (!char.IsAsciiDigit(last))
        {
            if (last is not ('m' or 'u' or 'n' or 'p'))
            {
                throw new Bolt11FormatException($"invalid amount multiplier '{last}'");
            }

            multiplier = last;
            digits = text[..^1];
        }

        if (digits.IsEmpty)
        {
            throw new Bolt11FormatException("amount has a multiplier but no digits");
        }

        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                throw new Bolt11FormatException("amount must be a decimal integer");
            }
        }

        if (digits[0] == '0')
        {
            throw new Bolt11FormatException("amount must be positive with no leading zeros");
        }

        if (digits.Length > MaxDigits)
        {
            throw new Bolt11FormatException("amount is too large");
        }

        var value = BigInteger.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        BigInteger msat;
        switch (multiplier)
        {
            case 'm':
                msat = value * MsatPerMilli;
                break;
            case 'u':
                msat = value * MsatPerMicro;
                break;
            case 'n':
                msat = value * MsatPerNano;
                break;
            case 'p':
                // Spec: a pico amount whose last digit isn't 0 would be a fraction of a msat.
                if (!(value % 10).IsZero)
                {
                    throw new Bolt11FormatException("pico-bitcoin amount must be a multiple of 10 (sub-millisatoshi precision)");
                }

                msat = value / 10;
                break;
            default:
                msat = value * MsatPerBtc;
                break;
        }

        if (msat > long.MaxValue)
        {
            throw new Bolt11FormatException("amount is too large");
        }

        return (long)msat;
    }

    /// <summary>Formats a positive msat amount using the largest multiplier that keeps it an integer.</summary>
    public static string Format(long msat)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(msat);
        var inv = CultureInfo.InvariantCulture;
        if (msat % MsatPerBtc == 0)
        {
            return (msat / MsatPerBtc).ToString(inv);
        }

        if (msat % MsatPerMilli == 0)
        {
            return (msat / MsatPerMilli).ToString(inv) + "m";
        }

        if (msat % MsatPerMicro == 0)
        {
            return (msat / MsatPerMicro).ToString(inv) + "u";
        }

        if (msat % MsatPerNano == 0)
        {
            return (msat / MsatPerNano).ToString(inv) + "n";
        }

        // 1 msat = 10 pico-BTC; appending the digit avoids overflowing long.
        return msat.ToString(inv) + "0p";
    }
}
