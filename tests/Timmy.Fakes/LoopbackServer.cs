using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Timmy.Tests.Fakes;

/// <summary>How a fake misbehaves, for fault tests.</summary>
public enum Fault
{
    None,

    /// <summary>Answers only after <see cref="LoopbackServer.SlowDelay"/>.</summary>
    Slow,

    /// <summary>HTTP 500 with the service's own error body.</summary>
    ServerError,

    /// <summary>Closes the TCP connection without answering.</summary>
    DropConnection,

    /// <summary>HTTP 200 with an HTML page where JSON was expected.</summary>
    GarbageBody,
}

/// <summary>
/// A fake of an external service: real Kestrel on 127.0.0.1 and a free port, so Timmy's real HTTP clients
/// (and their TLS, timeouts and retries) are exercised. Subclasses map the service's routes.
/// </summary>
public abstract class LoopbackServer : IAsyncDisposable
{
    private WebApplication? _app;
    private int _requests;

    public Uri BaseAddress { get; private set; } = null!;

    public Fault Fault { get; set; }

    public TimeSpan SlowDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Serve only under this path (e.g. "/lnbits"), as behind a reverse proxy; anything else is a 404.</summary>
    public string? PathPrefix { get; set; }

    /// <summary>Requests that reached the fake, faulted or not.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>A certificate to serve HTTPS with; null for plain HTTP.</summary>
    protected virtual X509Certificate2? Certificate => null;

    protected abstract void Map(WebApplication app);

    /// <summary>The body the real service sends with a 500.</summary>
    protected abstract object ServerErrorBody { get; }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (Certificate is { } certificate)
            {
                listen.UseHttps(certificate);
            }
        }));
        _app = builder.Build();
        _app.Use(StripPrefixAsync);
        _app.UseWebSockets();
        _app.Use(MisbehaveAsync);
        // After the prefix is stripped, so routes match the path below it.
        _app.UseRouting();
        Map(_app);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync(TimeSpan.FromSeconds(2).ToCancellationToken());
            await _app.DisposeAsync();
        }

        OnStopped();
        GC.SuppressFinalize(this);
    }

    /// <summary>Cleans up whatever the fake left on disk.</summary>
    protected virtual void OnStopped()
    {
    }

    protected static async Task<JsonElement> ReadJsonAsync(HttpRequest request)
    {
        using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
        return document.RootElement.Clone();
    }

    private Task StripPrefixAsync(HttpContext context, RequestDelegate next)
    {
        if (PathPrefix is null)
        {
            return next(context);
        }

        if (!context.Request.Path.StartsWithSegments(PathPrefix, out var rest))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        context.Request.PathBase = PathPrefix;
        context.Request.Path = rest;
        return next(context);
    }

    private async Task MisbehaveAsync(HttpContext context, RequestDelegate next)
    {
        Interlocked.Increment(ref _requests);
        switch (Fault)
        {
            case Fault.Slow:
                await Task.Delay(SlowDelay, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                break;
            case Fault.ServerError:
                await Results.Json(ServerErrorBody, statusCode: StatusCodes.Status500InternalServerError).ExecuteAsync(context);
                return;
            case Fault.DropConnection:
                context.Abort();
                return;
            case Fault.GarbageBody:
                context.Response.ContentType = "text/html";
                await context.Response.WriteAsync("<html><body>502 Bad Gateway (nginx)</body></html>");
                return;
        }

        await next(context);
    }
}

internal static class TimeSpanExtensions
{
    public static CancellationToken ToCancellationToken(this TimeSpan timeout) => new CancellationTokenSource(timeout).Token;
}
