using System.Text.Json;
using Timmy.Api.Boundary;

namespace Timmy.Api.OpenAI;

/// <summary>Errors of the /v1 routes in OpenAI's shape, for this surface's own errors and the boundary's (its ErrorBody hook).</summary>
public static class OpenAIErrors
{
    /// <summary>Where the OpenAI-compatible routes live; every error under it, whoever writes it, is in OpenAI's shape.</summary>
    public const string PathPrefix = "/v1";

    public static bool Serves(PathString path) => path.StartsWithSegments(PathPrefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// An error the pipeline writes itself under /v1 (<see cref="Errors.JsonErrorHandling"/>): an exception, a busy
    /// database, a wrong method, a route that does not exist.
    /// </summary>
    public static IResult OfPipeline(int status, string message) => status == StatusCodes.Status404NotFound
        ? Result(status, $"{message}: Timmy serves /v1/models, /v1/chat/completions and /v1/images/generations", null, "unknown_url")
        : Result(status, message, null, null);

    public static IResult BadRequest(string message, string? param = null) =>
        Result(StatusCodes.Status400BadRequest, message, param, code: null);

    public static IResult ModelNotFound(string model) => Result(StatusCodes.Status404NotFound,
        $"The model '{model}' does not exist; GET /v1/models lists the models served here", "model", "model_not_found");

    public static IResult BadGateway(string message) => Result(StatusCodes.Status502BadGateway, message, null, "upstream_error");

    public static IResult Result(int status, string message, string? param, string? code) =>
        TypedResults.Json(new OpenAIError(Detail(status, message, param, code, null)), OpenAIJson.Options, statusCode: status);

    /// <summary>The boundary's errors (401, 402, 503) on this surface; serialized here so snake_case and "param": null survive.</summary>
    public static object BoundaryBody(int status, string message, PaymentRequiredResponse? payment) =>
        JsonSerializer.SerializeToElement(new OpenAIError(Detail(status, message, null, null, payment)), OpenAIJson.Options);

    private static OpenAIErrorDetail Detail(int status, string message, string? param, string? code, PaymentRequiredResponse? payment) => status switch
    {
        StatusCodes.Status401Unauthorized => new(message, "invalid_request_error", param, code ?? "invalid_api_key"),
        StatusCodes.Status402PaymentRequired => new(message, "insufficient_quota", param, code ?? "payment_required", PaymentOffer.From(payment)),
        StatusCodes.Status404NotFound => new(message, "invalid_request_error", param, code ?? "not_found"),
        StatusCodes.Status429TooManyRequests => new(message, "requests", param, code ?? "rate_limit_exceeded"),
        >= 500 => new(message, "api_error", param, code),
        _ => new(message, "invalid_request_error", param, code),
    };
}
