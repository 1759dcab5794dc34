namespace Timmy.Lightning.Tests;

public class AmountTests
{
    [Theory]
    [InlineData("1", 100_000_000_000L)]
    [InlineData("20m", 2_000_000_000L)]
    [InlineData("2500u", 250_000_000L)]
    [InlineData("1n", 100L)]
    [InlineData("10p", 1L)]
    [InlineData("9678785340p", 967_878_534L)]
    [InlineData("21000000", 2_100_000_000_000_000_000L)]
    [InlineData("92233720368547758070p", long.MaxValue)]
    public void Parses_amounts_to_millisatoshi(string text, long msat)
    {
        Assert.Equal(msat, Bolt11Amount.Parse(text));
    }

    [Fact]
    public void Empty_amount_means_any_amount()
    {
        Assert.Null(Bolt11Amount.Parse(""));
    }

    [Theory]
    [InlineData("1p", "sub-millisatoshi")]
    [InlineData("2500000001p", "sub-millisatoshi")]
    [InlineData("0", "leading zeros")]
    [InlineData("0m", "leading zeros")]
    [InlineData("01m", "leading zeros")]
    [InlineData("2500x", "invalid amount multiplier 'x'")]
    [InlineData("25M", "invalid amount multiplier")]
    [InlineData("1mm", "decimal integer")]
    [InlineData("1.5m", "decimal integer")]
    [InlineData("-1m", "decimal integer")]
    [InlineData("m", "no digits")]
    [InlineData("92233720368547758080p", "too large")]
    [InlineData("92233720368547758", "too large")]
    [InlineData("123456789012345678901", "too large")]
    [InlineData("99999999999999999999999999999999999999999999999999", "too large")]
    public void Rejects_malformed_amounts(string text, string reason)
    {
        var ex = Assert.Throws<Bolt11FormatException>(() => Bolt11Amount.Parse(text));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1L, "10p")]
    [InlineData(15L, "150p")]
    [InlineData(100L, "1n")]
    [InlineData(100_000L, "1u")]
    [InlineData(250_000_000L, "2500u")]
    [InlineData(2_000_000_000L, "20m")]
    [InlineData(100_000_000L, "1m")]
    [InlineData(100_000_000_000L, "1")]
    [InlineData(967_878_534L, "9678785340p")]
    [InlineData(long.MaxValue, "92233720368547758070p")]
    public void Formats_with_the_largest_exact_multiplier(long msat, string text)
    {
        Assert.Equal(text, Bolt11Amount.Format(msat));
        Assert.Equal(msat, Bolt11Amount.Parse(text));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    public void Format_rejects_non_positive_amounts(long msat)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Bolt11Amount.Format(msat));
    }
}
