using System.Security.Cryptography;
using System.Text;

namespace Timmy.Api.Chat.Offline;

/// <summary>
/// Paints a deterministic picture for a prompt: the SHA-256 of the prompt picks a two-colour sky and
/// a few discs and blocks. The same prompt always gives the same picture; different prompts differ.
/// </summary>
internal static class PromptPicture
{
    public const int Size = 256;

    private const int ShapeCount = 4;
    private const int BytesPerShape = 6;

    public static RgbImage Paint(string prompt)
    {
        var seed = SHA256.HashData(Encoding.UTF8.GetBytes(prompt));
        var image = new RgbImage(Size, Size);
        PaintGradient(image, Rgb.From(seed.AsSpan(0)), Rgb.From(seed.AsSpan(3)));
        for (var i = 0; i < ShapeCount; i++)
        {
            PaintShape(image, seed.AsSpan(6 + i * BytesPerShape, BytesPerShape));
        }

        return image;
    }

    private static void PaintGradient(RgbImage image, Rgb top, Rgb bottom)
    {
        for (var y = 0; y < image.Height; y++)
        {
            var colour = top.Blend(bottom, (double)y / (image.Height - 1));
            for (var x = 0; x < image.Width; x++)
            {
                image.Set(x, y, colour);
            }
        }
    }

    /// <summary>Six seed bytes: centre x and y, size, then the colour. An odd size byte draws a disc.</summary>
    private static void PaintShape(RgbImage image, ReadOnlySpan<byte> shape)
    {
        int centreX = shape[0], centreY = shape[1];
        var radius = 16 + shape[2] % 48;
        var colour = Rgb.From(shape[3..]);
        var disc = shape[2] % 2 == 1;
        for (var y = centreY - radius; y <= centreY + radius; y++)
        {
            for (var x = centreX - radius; x <= centreX + radius; x++)
            {
                var dx = x - centreX;
                var dy = y - centreY;
                if (!disc || dx * dx + dy * dy <= radius * radius)
                {
                    image.Set(x, y, colour);
                }
            }
        }
    }
}
