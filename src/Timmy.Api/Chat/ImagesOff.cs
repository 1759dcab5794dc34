using Microsoft.Extensions.Options;
using Timmy.Api.Errors;

namespace Timmy.Api.Chat;

/// <summary>
/// <c>Chat:ImageProvider=none</c> turns image generation off: the image routes then answer 503 before the payment
/// boundary, so no client is sold a balance for pictures this server cannot draw. Production needs this (or a real
/// provider) because it refuses to sell the offline painter's placeholder pictures.
/// </summary>
public static class ImagesOff
{
    public const string ProviderName = "none";

    public const string Message = "Image generation is off on this server (Chat:ImageProvider=none)";

    public static bool IsOff(ChatSettings settings) =>
        settings.ImageProvider.Trim().Equals(ProviderName, StringComparison.OrdinalIgnoreCase);

    public static bool IsOff(IEndpointRouteBuilder routes) =>
        IsOff(routes.ServiceProvider.GetRequiredService<IOptions<ChatSettings>>().Value);

    /// <summary>The route's stand-in, mapped instead of the real one (and outside any payment boundary).</summary>
    public static RouteHandlerBuilder MapUnavailable(this IEndpointRouteBuilder routes, string pattern, Func<IResult> answer) =>
        routes.MapPost(pattern, answer).ExcludeFromDescription();

    public static IResult Unavailable() => ApiErrors.ServiceUnavailable(Message);
}
