using Microsoft.Extensions.AI;

namespace Timmy.Api.Chat;

/// <summary>Reads an image generator's answer: the image, or why there is none.</summary>
internal static class DrawnImage
{
    public const string NoImage = "the image model returned no image";

    /// <summary>The first image of the answer; null if it drew none, with <paramref name="whyNone"/> saying so.</summary>
    public static DataContent? FirstImage(this ImageGenerationResponse response, out string whyNone)
    {
        var image = response.Contents.OfType<DataContent>().FirstOrDefault(c => c.HasTopLevelMediaType("image"));
        // A model that declines to draw usually says why in text.
        var said = image is null ? string.Concat(response.Contents.OfType<TextContent>().Select(t => t.Text)).Trim() : "";
        whyNone = said.Length == 0 ? NoImage : $"{NoImage}: {said}";
        return image;
    }
}
