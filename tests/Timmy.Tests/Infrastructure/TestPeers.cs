using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Timmy.Tests.Infrastructure;

/// <summary>
/// The test server has no sockets, so every request comes from no address on no port. With this, a request may say
/// which peer address (<see cref="PeerHeader"/>) and which local port (<see cref="LocalPortHeader"/>) it arrived
/// from, set before anything of the app's runs (forwarded headers included).
/// </summary>
public static class TestPeers
{
    public const string PeerHeader = "X-Test-Peer";
    public const string LocalPortHeader = "X-Test-Local-Port";

    public static IServiceCollection AddTestPeers(this IServiceCollection services) =>
        services.AddSingleton<IStartupFilter, PeerFilter>();

    public static HttpRequestMessage From(this HttpRequestMessage request, string peer)
    {
        request.Headers.Add(PeerHeader, peer);
        return request;
    }

    public static HttpRequestMessage OnPort(this HttpRequestMessage request, int port)
    {
        request.Headers.Add(LocalPortHeader, port.ToString());
        return request;
    }

    /// <summary>A factory with these settings whose requests may name their peer (for the per-client limits).</summary>
    public static TimmyFactory FactoryWithPeers(params (string Key, string Value)[] settings) => new()
    {
        Settings = settings.ToDictionary(s => s.Key, s => (string?)s.Value),
        TestServices = s => s.AddTestPeers(),
    };

    /// <summary>A client of a <see cref="FactoryWithPeers"/> factory whose every request comes from <paramref name="peer"/>.</summary>
    public static HttpClient ClientFrom(this TimmyFactory factory, string peer)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add(PeerHeader, peer);
        return client;
    }

    private sealed class PeerFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, nextMiddleware) =>
            {
                if (http.Request.Headers.TryGetValue(PeerHeader, out var peer))
                {
                    http.Connection.RemoteIpAddress = IPAddress.Parse(peer.ToString());
                }

                if (http.Request.Headers.TryGetValue(LocalPortHeader, out var port))
                {
                    http.Connection.LocalPort = int.Parse(port.ToString());
                }

                return nextMiddleware(http);
            });
            next(app);
        };
    }
}
