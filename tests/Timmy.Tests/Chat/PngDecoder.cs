using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text;

namespace Timmy.Tests.Chat;

/// <summary>A decoded 8-bit RGB PNG: its chunk types in order and its raw pixels.</summary>
public sealed record DecodedPng(int Width, int Height, IReadOnlyList<string> ChunkTypes, byte[] Pixels)
{
    public (byte R, byte G, byte B) PixelAt(int x, int y)
    {
        var i = (y * Width + x) * 3;
        return (Pixels[i], Pixels[i + 1], Pixels[i + 2]);
    }
}

/// <summary>
/// Reads a PNG the way a decoder does, asserting as it goes: the signature, every chunk's CRC-32,
/// the IHDR fields, and IDAT data that inflates to one filter byte plus one row of pixels per scanline.
/// Handles what the offline painter writes (truecolour, 8 bits, filter type 0), which is all it needs.
/// </summary>
public static class PngDecoder
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static DecodedPng Decode(byte[] png)
    {
        Assert.Equal(Signature, png[..8]);
        var types = new List<string>();
        var idat = new MemoryStream();
        int width = 0, height = 0;
        var offset = 8;
        while (offset < png.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            var typeAndData = png.AsSpan(offset + 4, 4 + length);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset + 8 + length));
            Assert.Equal(Crc32.HashToUInt32(typeAndData), crc);

            var type = Encoding.ASCII.GetString(typeAndData[..4]);
            var data = typeAndData[4..];
            types.Add(type);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                Assert.Equal([8, 2, 0, 0, 0], data[8..13].ToArray()); // bit depth 8, truecolour, deflate, no filter set, no interlace
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }

            offset += 12 + length;
        }

        Assert.Equal(png.Length, offset);
        Assert.Equal("IHDR", types[0]);
        Assert.Equal("IEND", types[^1]);
        return new DecodedPng(width, height, types, Unfilter(Inflate(idat.ToArray()), width, height));
    }

    private static byte[] Inflate(byte[] zlib)
    {
        using var inflated = new MemoryStream();
        using (var stream = new ZLibStream(new MemoryStream(zlib), CompressionMode.Decompress))
        {
            stream.CopyTo(inflated);
        }

        return inflated.ToArray();
    }

    private static byte[] Unfilter(byte[] scanlines, int width, int height)
    {
        var stride = width * 3;
        Assert.Equal(height * (1 + stride), scanlines.Length);
        var pixels = new byte[height * stride];
        for (var y = 0; y < height; y++)
        {
            Assert.Equal(0, scanlines[y * (1 + stride)]);
            Array.Copy(scanlines, y * (1 + stride) + 1, pixels, y * stride, stride);
        }

        return pixels;
    }
}
