using Microsoft.AspNetCore.Http.HttpResults;

namespace Timmy.Api.Errors;

/// <summary>The one error shape of the API: <c>{"error": "human readable"}</c>.</summary>
public sealed record ApiError(string Error);

public static class ApiErrors
{
    public static BadRequest<ApiError> BadRequest(string message) => TypedResults.BadRequest(new ApiError(message));

    public static NotFound<ApiError> NotFound(string message) => TypedResults.NotFound(new ApiError(message));

    public static Conflict<ApiError> Conflict(string message) => TypedResults.Conflict(new ApiError(message));

    public static JsonHttpResult<ApiError> Status(int statusCode, string message) =>
        TypedResults.Json(new ApiError(message), statusCode: statusCode);

    public static JsonHttpResult<ApiError> ServiceUnavailable(string message) =>
        Status(StatusCodes.Status503ServiceUnavailable, message);
}
