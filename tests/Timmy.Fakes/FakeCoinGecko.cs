using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Timmy.Tests.Fakes;

/// <summary>
/// CoinGecko's simple-price endpoint on loopback: <c>GET /api/v3/simple/price?ids=bitcoin&amp;vs_currencies=usd</c>
/// answering <c>{"bitcoin":{"usd":PRICE}}</c>. Tests change the answer, slow it down, or break it.
/// </summary>
public sealed class FakeCoinGecko : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private FakeCoinGecko(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The body and status served next; defaults to a healthy price.</summary>
    public string Body { get; set; } = """{"bitcoin":{"usd":100000}}""";

    public int StatusCode { get; set; } = 200;

    public TimeSpan Delay { get; set; } = TimeSpan.Zero;

    /// <summary>The API key headers of the last request (a Demo key and a Pro key go in different headers).</summary>
    public (string? Demo, string? Pro) LastKeys { get; private set; }

    /// <summary>The <c>Retry-After</c> header (seconds) served with the answer; none when null.</summary>
    public int? RetryAfterSeconds { get; set; }

    /// <summary>
    /// Answers 429 with CoinGecko's rate-limit body and a <c>Retry-After</c> in seconds (by default the rest of the
    /// minute its limits are counted in), as its public API does once the plan's calls per minute are spent.
    /// </summary>
    public void RateLimit(int retryAfterSeconds = 60)
    {
        StatusCode = 429;
        RetryAfterSeconds = retryAfterSeconds;
        Body = """{"status":{"error_code":429,"error_message":"You've exceeded the Rate Limit. Please visit https://www.coingecko.com/en/api/pricing to subscribe to our API plans for higher rate limits."}}""";
    }

    public decimal Price
    {
        set => Body = "{\"bitcoin\":{\"usd\":" + value.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}}";
    }

    public static async Task<FakeCoinGecko> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeCoinGecko(app);
        app.MapGet("/api/v3/simple/price", fake.ServeAsync);
        await app.StartAsync();
        fake.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return fake;
    }

    private async Task ServeAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        LastKeys = (context.Request.Headers["x-cg-demo-api-key"].FirstOrDefault(), context.Request.Headers["x-cg-pro-api-key"].FirstOrDefault());
        if (context.Request.Query["ids"] != "bitcoin" || context.Request.Query["vs_currencies"] != "usd")
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync("""{"error":"invalid ids or vs_currencies"}""");
            return;
        }

        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, context.RequestAborted);
        }

        context.Response.StatusCode = StatusCode;
        if (RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(Body);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
