using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text;

namespace Timmy.Api.Chat.Offline;

/// <summary>
/// Writes a minimal valid PNG (ISO/IEC 15948): the signature, then IHDR, one IDAT holding the zlib-deflated
/// scanlines (each with filter type 0), and IEND, every chunk closed by the CRC-32 of its type and data.
/// </summary>
internal static class PngEncoder
{
    public const string MediaType = "image/png";

    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private const byte BitDepth = 8;
    private const byte ColourTypeRgb = 2;
    private const byte FilterNone = 0;

    public static byte[] Encode(RgbImage image)
    {
        using var png = new MemoryStream();
        png.Write(Signature);
        WriteChunk(png, "IHDR", Header(image));
        WriteChunk(png, "IDAT", CompressedScanlines(image));
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static byte[] Header(RgbImage image)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(0), image.Width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), image.Height);
        header[8] = BitDepth;
        header[9] = ColourTypeRgb;
        // Bytes 10-12 stay 0: deflate compression, adaptive filtering, no interlace.
        return header;
    }

    private static byte[] CompressedScanlines(RgbImage image)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (var y = 0; y < image.Height; y++)
            {
                zlib.WriteByte(FilterNone);
                zlib.Write(image.Row(y));
            }
        }

        return compressed.ToArray();
    }

    private static void WriteChunk(Stream png, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);

        var typeBytes = Encoding.ASCII.GetBytes(type);
        png.Write(typeBytes);
        png.Write(data);

        var crc = new Crc32();
        crc.Append(typeBytes);
        crc.Append(data);
        Span<byte> checksum = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(checksum, crc.GetCurrentHashAsUInt32());
        png.Write(checksum);
    }
}
