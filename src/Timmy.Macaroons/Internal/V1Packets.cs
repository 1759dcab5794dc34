namespace Timmy.Macaroons;

/// <summary>
/// The V1 packet layout: four lowercase hex digits giving the whole packet length (header and
/// trailing newline included), the field name, a space, the raw value, and '\n'.
/// </summary>
internal static class V1Packets
{
    public const int MaxPacketLength = 0xFFFF;
    public const int HeaderLength = 4;

    // Smallest possible packet: header + 1-char name + space + newline.
    public const int MinPacketLength = HeaderLength + 3;

    public const string Location = "location";
    public const string Identifier = "identifier";
    public const string CaveatId = "cid";
    public const string VerificationId = "vid";
    public const string CaveatLocation = "cl";
    public const string Signature = "signature";

    public static bool IsLowerHexDigit(byte b) => b is (>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f');

    public static int HexValue(byte b) => b <= '9' ? b - '0' : b - 'a' + 10;
}
