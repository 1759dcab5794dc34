namespace Timmy.Api.Chat.Offline;

/// <summary>An 8-bit RGB raster, row by row, as PNG colour type 2 stores it.</summary>
internal sealed class RgbImage(int width, int height)
{
    public int Width { get; } = width;

    public int Height { get; } = height;

    public byte[] Pixels { get; } = new byte[width * height * 3];

    public ReadOnlySpan<byte> Row(int y) => Pixels.AsSpan(y * Width * 3, Width * 3);

    public void Set(int x, int y, Rgb colour)
    {
        if (x < 0 || y < 0 || x >= Width || y >= Height)
        {
            return;
        }

        var i = (y * Width + x) * 3;
        Pixels[i] = colour.R;
        Pixels[i + 1] = colour.G;
        Pixels[i + 2] = colour.B;
    }
}

internal readonly record struct Rgb(byte R, byte G, byte B)
{
    public static Rgb From(ReadOnlySpan<byte> bytes) => new(bytes[0], bytes[1], bytes[2]);

    /// <summary>The colour <paramref name="t"/> of the way from this one to <paramref name="other"/> (0 to 1).</summary>
    public Rgb Blend(Rgb other, double t) => new(Mix(R, other.R, t), Mix(G, other.G, t), Mix(B, other.B, t));

    private static byte Mix(byte a, byte b, double t) => (byte)Math.Round(a + (b - a) * t);
}
