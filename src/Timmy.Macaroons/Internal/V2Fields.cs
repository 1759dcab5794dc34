namespace Timmy.Macaroons;

/// <summary>Field type numbers of the V2 binary format (libmacaroons doc/format.txt).</summary>
internal static class V2Fields
{
    public const byte Version = 0x02;
    public const int EndOfSection = 0;
    public const int Location = 1;
    public const int Identifier = 2;
    public const int VerificationId = 4;
    public const int Signature = 6;
}
