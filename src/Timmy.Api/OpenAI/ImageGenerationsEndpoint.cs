using System.Drawing;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Timmy.Api.Boundary;
using Timmy.Api.Chat;
using Timmy.Api.Errors;
using Timmy.Api.Http;

namespace Timmy.Api.OpenAI;

/// <summary>
/// <c>POST /v1/images/generations</c> <c>{prompt, n, size, response_format: "b64_json"}</c> on the configured image
/// generator (<c>Chat:ImageProvider</c>), priced per image (<c>Chat:ImagePriceSats</c>): n images reserved, each
/// image that comes back debited, the rest released. The images are drawn within the call's <see cref="MeterDeadline"/>.
/// </summary>
internal static partial class ImageGenerationsEndpoint
{
    public static async Task<IResult> GenerateAsync(
        HttpContext http,
        [FromKeyedServices(ChatKeys.Images)] IImageGenerator images,
        IOptions<ChatSettings> chat,
        IOptions<OpenAIOptions> options,
        Challenges challenges,
        TimeProvider clock,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(http.Request, cancellationToken);
        if (!body.IsValid)
        {
            return OpenAIErrors.BadRequest(body.Error!);
        }

        var (prompt, count, size, problem) = Read(body.Value, chat.Value, options.Value);
        var model = problem is null ? ReadModel(body.Value, out problem) : null;
        if (problem is not null)
        {
            return OpenAIErrors.BadRequest(problem.Message, problem.Param);
        }

        if (model is not null && model != chat.Value.ImageModel && model != images.GetService<ImageGeneratorMetadata>()?.DefaultModelId)
        {
            return OpenAIErrors.ModelNotFound(model);
        }

        var price = chat.Value.ImagePriceSats;
        var call = await MeteredCall.ReserveAsync(http, $"{count} image(s)", price * count, 0m, cancellationToken);
        if (call is null)
        {
            return await challenges.PaymentRequiredAsync(http, price * count,
                $"Insufficient balance: {count} image(s) cost {price * count} sats; pay the invoice to top up", http.PaidBalanceOrNull()!.SessionId, cancellationToken);
        }

        var drawn = new List<ImageData>();
        string? failure = null;
        using var deadline = http.RequestServices.GetRequiredService<BalanceMeter>().Deadline(call.Reservation, cancellationToken);
        try
        {
            for (var i = 0; i < count && failure is null; i++)
            {
                failure = await DrawOneAsync(images, prompt!, size, chat.Value.ImageModel, drawn, loggers, http.RequestServices.GetRequiredService<PublicFailures>(), deadline);
            }
        }
        finally
        {
            var left = await call.SettleAsync(http.RequestServices, drawn.Count * price, drawn.Count == 0 ? failure ?? "No image" : null);
            MeteredCall.WriteHeaders(http.Response, call.Reservation is null ? null : drawn.Count * price, left);
        }

        return drawn.Count == 0
            ? OpenAIErrors.BadGateway($"Image generation failed: {failure}")
            : TypedResults.Json(new ImagesResponse(clock.GetUtcNow().ToUnixTimeSeconds(), drawn), OpenAIJson.Options);
    }

    /// <summary>Draws one image into <paramref name="drawn"/>; returns why not, or null.</summary>
    private static async Task<string?> DrawOneAsync(
        IImageGenerator images, string prompt, Size? size, string model, List<ImageData> drawn, ILoggerFactory loggers, PublicFailures failures, MeterDeadline deadline)
    {
        try
        {
            var response = await images.GenerateAsync(new ImageGenerationRequest(prompt),
                new ImageGenerationOptions { ModelId = model, Count = 1, ImageSize = size }, deadline.Token);
            if (response.FirstImage(out var whyNone) is not { } image)
            {
                return whyNone;
            }

            drawn.Add(new ImageData(Convert.ToBase64String(image.Data.Span)));
            return null;
        }
        catch (Exception) when (deadline.Passed)
        {
            return deadline.CutMessage;
        }
        catch (Exception ex) when (!deadline.Token.IsCancellationRequested)
        {
            LogImageFailed(loggers.CreateLogger(typeof(ImageGenerationsEndpoint)), ex);
            return ModelFailures.Describe(ex, failures);
        }
    }

    private static (string? Prompt, int Count, Size? Size, BodyProblem? Problem) Read(JsonElement body, ChatSettings chat, OpenAIOptions options)
    {
        var prompt = TextInput.ReadRequiredText(body, "prompt", chat.MaxPromptChars, out var error);
        if (error is not null)
        {
            return (null, 0, null, new BodyProblem(error, "prompt"));
        }

        var count = 1;
        if (body.TryGetProperty("n", out var n) && n.ValueKind != JsonValueKind.Null
            && !(n.ValueKind == JsonValueKind.Number && n.TryGetInt32(out count) && count >= 1 && count <= options.MaxImagesPerRequest))
        {
            return (null, 0, null, new BodyProblem($"'n' must be an integer from 1 to {options.MaxImagesPerRequest}", "n"));
        }

        if (body.TryGetProperty("response_format", out var format) && format.ValueKind != JsonValueKind.Null && format.GetRawText() != "\"b64_json\"")
        {
            return (null, 0, null, new BodyProblem("Only 'response_format': \"b64_json\" is served: images are returned inline, not hosted", "response_format"));
        }

        Size? size = null;
        if (body.TryGetProperty("size", out var s) && s.ValueKind != JsonValueKind.Null)
        {
            var text = TextInput.TryGetText(s, out var given) ? given : null;
            var match = text is null ? Match.Empty : SizePattern().Match(text);
            if (!match.Success && text != "auto")
            {
                return (null, 0, null, new BodyProblem("'size' must be \"auto\" or WIDTHxHEIGHT, such as \"1024x1024\"", "size"));
            }

            size = match.Success ? new Size(int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value)) : null;
        }

        return (prompt, count, size, null);
    }

    /// <summary>Optional; when given it must be a string (which model it names is checked by the caller).</summary>
    private static string? ReadModel(JsonElement body, out BodyProblem? problem)
    {
        problem = null;
        if (!body.TryGetProperty("model", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (TextInput.TryGetText(value, out var model))
        {
            return model;
        }

        problem = new("'model' must be a string: Chat:ImageModel or the image generator's id", "model");
        return null;
    }

    [GeneratedRegex(@"^([1-9][0-9]{1,3})x([1-9][0-9]{1,3})\z")]
    private static partial Regex SizePattern();

    [LoggerMessage(LogLevel.Warning, "Image generation on /v1 failed")]
    private static partial void LogImageFailed(ILogger logger, Exception ex);
}
