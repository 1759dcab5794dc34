namespace Timmy.Macaroons;

/// <summary>Wire formats understood by this library (the libmacaroons numbering).</summary>
public enum MacaroonVersion
{
    /// <summary>
    /// Original libmacaroons format: "NNNNkey value\n" packets with a 4-hex-digit length.
    /// Kept so macaroons minted by older libmacaroons/go-macaroon deployments still parse.
    /// </summary>
    V1 = 1,

    /// <summary>Compact binary format (version byte 0x02, varint-length fields). The default.</summary>
    V2 = 2,
}
