using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Timmy.Api.Boundary;
using Timmy.Api.Errors;
using Timmy.Api.Http;

namespace Timmy.Api.Chat;

/// <summary><c>POST /api/gemini/generate-image</c>: <c>{prompt}</c> → <c>{b64_json, mimeType}</c>.</summary>
internal static partial class GenerateImageEndpoint
{
    /// <summary>Priced per image (<c>Chat:ImagePriceSats</c>): reserved first, debited when an image comes back, released if none does.</summary>
    public static async Task<IResult> GenerateImageAsync(
        HttpContext httpContext,
        [FromKeyedServices(ChatKeys.Images)] IImageGenerator images,
        IOptions<ChatSettings> settings,
        ChatCosts costs,
        BalanceMeter meter,
        Challenges challenges,
        ILoggerFactory loggers,
        PublicFailures failures,
        CancellationToken cancellationToken)
    {
        var http = httpContext.Request;
        var body = await JsonBody.ReadObjectAsync(http, cancellationToken);
        string? error = body.Error;
        var prompt = body.IsValid ? TextInput.ReadRequiredText(body.Value, "prompt", settings.Value.MaxPromptChars, out error) : null;
        if (error is not null)
        {
            return ApiErrors.BadRequest(error);
        }

        MeterReservation? reservation = null;
        if (httpContext.PaidBalanceOrNull() is { } balance)
        {
            reservation = await meter.ReserveAsync(balance.SessionId, "image", costs.ImageSats, cancellationToken);
            if (reservation is null)
            {
                return await challenges.PaymentRequiredAsync(httpContext, costs.ImageSats,
                    $"Insufficient balance: an image costs {costs.ImageSats} sats; pay the invoice to top up", balance.SessionId, cancellationToken);
            }
        }

        // Settled however the call ends, the client's leaving included, so the reservation never waits to be presumed
        // abandoned; drawn within the call's deadline, so it cannot outlive its reservation.
        IResult? result = null;
        using var deadline = meter.Deadline(reservation, cancellationToken);
        try
        {
            result = await DrawAsync(images, prompt!, settings.Value, loggers, failures, deadline);
        }
        finally
        {
            if (reservation is not null)
            {
                var drawn = result is Ok<GeneratedImageResponse>;
                await meter.SettleAsync(reservation, drawn ? costs.ImageSats : 0, drawn ? null : result is null ? "Interrupted" : "No image");
            }
        }

        return result;
    }

    private static async Task<IResult> DrawAsync(
        IImageGenerator images, string prompt, ChatSettings settings, ILoggerFactory loggers, PublicFailures failures, MeterDeadline deadline)
    {
        ImageGenerationResponse response;
        try
        {
            response = await images.GenerateAsync(
                new ImageGenerationRequest(prompt), new ImageGenerationOptions { ModelId = settings.ImageModel }, deadline.Token);
        }
        catch (Exception) when (deadline.Passed)
        {
            return BadGateway($"Image generation failed: {deadline.CutMessage}");
        }
        catch (Exception ex) when (!deadline.Token.IsCancellationRequested)
        {
            LogImageFailed(loggers.CreateLogger(typeof(GenerateImageEndpoint)), ex);
            return BadGateway($"Image generation failed: {ModelFailures.Describe(ex, failures)}");
        }

        if (response.FirstImage(out var whyNone) is not { } image)
        {
            return BadGateway(char.ToUpperInvariant(whyNone[0]) + whyNone[1..]);
        }

        return TypedResults.Ok(new GeneratedImageResponse(Convert.ToBase64String(image.Data.Span), image.MediaType));
    }

    private static JsonHttpResult<ApiError> BadGateway(string message) => ApiErrors.Status(StatusCodes.Status502BadGateway, message);

    [LoggerMessage(LogLevel.Warning, "Image generation failed")]
    private static partial void LogImageFailed(ILogger logger, Exception ex);
}
