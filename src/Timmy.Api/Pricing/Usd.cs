namespace Timmy.Api.Pricing;

public static class Usd
{
    /// <summary>Rounds a USD figure for display (to a millionth of a cent) and drops trailing zeros.</summary>
    public static decimal Display(decimal usd) => Math.Round(usd, 8, MidpointRounding.AwayFromZero) / 1.000000000000000000000000000000000m;
}
