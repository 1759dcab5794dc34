using Microsoft.Extensions.AI;

namespace Timmy.Api.Chat.Offline;

/// <summary>The embedded image model: a real PNG painted from the prompt, with no network.</summary>
public sealed class OfflineImageGenerator : IImageGenerator
{
    public const string ModelId = "timmy-offline-painter-1";

    public Task<ImageGenerationResponse> GenerateAsync(
        ImageGenerationRequest request, ImageGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var png = PngEncoder.Encode(PromptPicture.Paint(request.Prompt ?? string.Empty));
        return Task.FromResult(new ImageGenerationResponse([new DataContent(png, PngEncoder.MediaType)]));
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : serviceType == typeof(ImageGeneratorMetadata) ? new ImageGeneratorMetadata("timmy-offline", null, ModelId)
        : null;

    public void Dispose()
    {
    }
}
