using Microsoft.Extensions.AI;

namespace Timmy.Api.Chat.Gemini;

/// <summary>
/// Image generation with a Gemini image model: a generateContent call with <c>responseModalities</c>
/// ["TEXT","IMAGE"], whose answer holds the picture as an <c>inlineData</c> part (and maybe some text).
/// </summary>
public sealed class GeminiImageGenerator(GeminiRestClient gemini, string defaultModel) : IImageGenerator
{
    private static readonly string[] TextAndImage = ["TEXT", "IMAGE"];

    public async Task<ImageGenerationResponse> GenerateAsync(
        ImageGenerationRequest request, ImageGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var parts = new List<GeminiPart> { new(Text: request.Prompt) };
        parts.AddRange(GeminiMapping.ToParts(request.OriginalImages ?? []));
        var call = new GenerateContentRequest(
            [new GeminiContent(GeminiMapping.UserRole, parts)],
            GenerationConfig: new GenerationConfig(ResponseModalities: TextAndImage));

        var answer = await gemini.GenerateAsync(options?.ModelId ?? defaultModel, call, cancellationToken);
        return new ImageGenerationResponse(GeminiMapping.ToContents(answer))
        {
            RawRepresentation = answer,
            Usage = GeminiMapping.ToUsage(answer.UsageMetadata),
        };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : serviceType == typeof(ImageGeneratorMetadata) ? new ImageGeneratorMetadata("gemini", null, defaultModel)
        : null;

    public void Dispose()
    {
    }
}
