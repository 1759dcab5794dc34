namespace Timmy.Api.Pricing;

public static class Sats
{
    public const decimal PerBitcoin = 100_000_000m;

    /// <summary>USD to sats at a given BTC price: rounded up, never below 1 sat.</summary>
    public static long FromUsd(decimal usd, decimal btcPriceUsd)
    {
        if (btcPriceUsd <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(btcPriceUsd), btcPriceUsd, "The BTC price must be positive");
        }

        return Math.Max(1, (long)Math.Ceiling(usd / btcPriceUsd * PerBitcoin));
    }
}
