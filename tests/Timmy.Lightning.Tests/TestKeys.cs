namespace Timmy.Lightning.Tests;

internal static class TestKeys
{
    /// <summary>The spec examples' signing key.</summary>
    public static readonly byte[] SpecPrivateKey = Convert.FromHexString("e126f68f7eafcc8b74f54d269fe206be715000f94dac067d1c04a8ca3b2db734");

    public const string SpecPayee = "03e7156ae33b0a208d0744199163177e909e80176e55d97a2f221ede0f934dd9ad";

    public static readonly byte[] SpecPaymentHash = Convert.FromHexString("0001020304050607080900010203040506070809000102030405060708090102");

    public static readonly byte[] SpecPaymentSecret = Enumerable.Repeat((byte)0x11, 32).ToArray();

    /// <summary>1496314658 = 2017-06-01T10:57:38Z, the spec examples' timestamp.</summary>
    public static readonly DateTimeOffset SpecTimestamp = DateTimeOffset.FromUnixTimeSeconds(1496314658);

    /// <summary>An arbitrary second node key for regtest tests.</summary>
    public static readonly byte[] OtherPrivateKey = Convert.FromHexString("0101010101010101010101010101010101010101010101010101010101010101");
}
