using System.Net;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Web;

/// <summary>
/// Trusted proxies may be named in either configuration form. Seen through the demo limit: one request per client,
/// so a second client behind a trusted proxy is served only if its forwarded address is believed.
/// </summary>
public sealed class ForwardedHeadersTests
{
    [Theory]
    [InlineData("ForwardedHeaders:KnownProxies", "10.0.0.1")]
    [InlineData("ForwardedHeaders:KnownProxies", "192.0.2.9, 10.0.0.1")]
    [InlineData("ForwardedHeaders:KnownProxies:0", "10.0.0.1")]
    [InlineData("ForwardedHeaders:KnownProxies:1", "10.0.0.1")]
    [InlineData("ForwardedHeaders:KnownNetworks", "10.0.0.0/24")]
    [InlineData("ForwardedHeaders:KnownNetworks", "192.0.2.0/24,10.0.0.0/24")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "10.0.0.0/24")]
    public async Task Both_the_comma_separated_and_the_array_form_name_trusted_proxies(string key, string value)
    {
        using var factory = new TimmyFactory
        {
            Settings = { [key] = value, ["Demo:RequestsPerWindow"] = "1" },
            TestServices = s => s.AddTestPeers(),
        };
        if (key.EndsWith(":1", StringComparison.Ordinal))
        {
            factory.Settings["ForwardedHeaders:KnownProxies:0"] = "192.0.2.9";
        }

        var client = factory.CreateClient();

        var first = await client.SendAsync(Demo("198.51.100.1"));
        var second = await client.SendAsync(Demo("198.51.100.2"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
    }

    private static HttpRequestMessage Demo(string forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/demo?request=ping").From("10.0.0.1");
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return request;
    }
}
