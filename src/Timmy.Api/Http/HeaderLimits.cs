namespace Timmy.Api.Http;

/// <summary>
/// Refuses oversized request headers with a JSON 431. Kestrel's own limits are set higher, because a request it
/// refuses itself never reaches the pipeline and gets an empty answer instead of <c>{"error": ...}</c>.
/// Every request passes here, so the count allocates nothing and a request within the limit costs no state machine.
/// </summary>
public static class HeaderLimits
{
    public const int MaxTotalHeaderBytes = 16 * 1024;
    public const int KestrelMaxHeaderBytes = 64 * 1024;
    public const int KestrelMaxRequestLineBytes = 64 * 1024;

    public static IApplicationBuilder UseHeaderLimits(this IApplicationBuilder app) => app.Use((context, next) =>
        ExceedsLimit(context.Request.Headers) ? RefuseAsync(context) : next(context));

    private static bool ExceedsLimit(IHeaderDictionary headers)
    {
        var total = 0;
        foreach (var (name, values) in headers)
        {
            total += name.Length;
            foreach (var value in values)
            {
                total += value?.Length ?? 0;
            }

            if (total > MaxTotalHeaderBytes)
            {
                return true;
            }
        }

        return false;
    }

    private static Task RefuseAsync(HttpContext context) => Errors.JsonErrorHandling.WriteAsync(
        context, StatusCodes.Status431RequestHeaderFieldsTooLarge, $"Request headers too large: the limit is {MaxTotalHeaderBytes} bytes");
}
