namespace Timmy.Api.Http;

/// <summary>
/// Refuses oversized request headers with a JSON 431. Kestrel's own limits are set higher, because a request it
/// refuses itself never reaches the pipeline and gets an empty answer instead of <c>{"error": ...}</c>.
/// </summary>
public static class HeaderLimits
{
    public const int MaxTotalHeaderBytes = 16 * 1024;
    public const int KestrelMaxHeaderBytes = 64 * 1024;
    public const int KestrelMaxRequestLineBytes = 64 * 1024;

    public static IApplicationBuilder UseHeaderLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var total = 0;
        foreach (var (name, values) in context.Request.Headers)
        {
            total += name.Length + values.Sum(v => v?.Length ?? 0);
        }

        if (total > MaxTotalHeaderBytes)
        {
            context.Response.StatusCode = StatusCodes.Status431RequestHeaderFieldsTooLarge;
            await context.Response.WriteAsJsonAsync(new Errors.ApiError($"Request headers too large: the limit is {MaxTotalHeaderBytes} bytes"));
            return;
        }

        await next(context);
    });
}
