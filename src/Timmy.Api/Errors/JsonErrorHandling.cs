using System.Data.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.WebUtilities;
using Timmy.Api.OpenAI;

namespace Timmy.Api.Errors;

/// <summary>
/// Makes every failure leave the pipeline as <c>{"error": ...}</c> JSON: unhandled exceptions,
/// framework rejections (bad requests, 405s) and unmatched routes alike, in OpenAI's shape under /v1. Never HTML.
/// </summary>
public static class JsonErrorHandling
{
    public static IApplicationBuilder UseJsonErrors(this IApplicationBuilder app)
    {
        app.UseExceptionHandler(errorApp => errorApp.Run(WriteExceptionAsync));
        app.UseStatusCodePages(context => WriteStatusAsync(context.HttpContext));
        return app;
    }

    private static Task WriteExceptionAsync(HttpContext context)
    {
        var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        if (exception is BadHttpRequestException badRequest)
        {
            // Kestrel and model binding report client mistakes this way (oversized body, bad framing).
            return WriteAsync(context, badRequest.StatusCode, badRequest.Message);
        }

        if (exception is DbException || exception?.InnerException is DbException)
        {
            // Out of connections, locked, or down: a moment later may well work, so say so rather than a bare 500.
            context.Response.Headers.RetryAfter = "1";
            return WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "The database is unavailable or busy; try again shortly");
        }

        return WriteAsync(context, StatusCodes.Status500InternalServerError, "Internal server error");
    }

    private static Task WriteStatusAsync(HttpContext context)
    {
        var status = context.Response.StatusCode;
        var message = status == StatusCodes.Status404NotFound
            ? $"No such endpoint: {context.Request.Method} {context.Request.Path}"
            : ReasonPhrases.GetReasonPhrase(status);
        return WriteAsync(context, status, message);
    }

    /// <summary>
    /// Writes an error the pipeline produces itself (not an endpoint): the API's <c>{"error": "…"}</c>, or under /v1
    /// OpenAI's <c>{"error": {"message", "type", "param", "code"}}</c>, the only shape the OpenAI SDKs parse.
    /// </summary>
    public static Task WriteAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return OpenAIErrors.Serves(context.Request.Path)
            ? OpenAIErrors.OfPipeline(status, message).ExecuteAsync(context)
            : context.Response.WriteAsJsonAsync(new ApiError(message));
    }
}
