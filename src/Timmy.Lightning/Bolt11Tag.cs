namespace Timmy.Lightning;

/// <summary>Tagged-field types (the 5-bit word value; the letter is its Bech32 character).</summary>
internal static class Bolt11Tag
{
    public const byte PaymentHash = 1;        // p
    public const byte RouteHint = 3;          // r
    public const byte Features = 5;           // 9
    public const byte Expiry = 6;             // x
    public const byte Fallback = 9;           // f
    public const byte Description = 13;       // d
    public const byte PaymentSecret = 16;     // s
    public const byte PayeeNodeId = 19;       // n
    public const byte DescriptionHash = 23;   // h
    public const byte MinFinalCltvExpiry = 24; // c
    public const byte Metadata = 27;          // m

    /// <summary>Spec-fixed data lengths in words; fields of another length are skipped.</summary>
    public const int HashWords = 52;          // 256 bits + 4 padding bits
    public const int PublicKeyWords = 53;     // 264 bits + 1 padding bit

    /// <summary>data_length is 10 bits.</summary>
    public const int MaxFieldWords = 1023;

    public static char Letter(byte tag) => Bech32.Charset[tag];
}
