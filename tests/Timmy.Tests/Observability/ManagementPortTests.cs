using System.Net;
using System.Net.Sockets;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Observability;

/// <summary>
/// In Production (or wherever <c>Management:Urls</c> is set) the operator's endpoints answer only on the management
/// port, and the public readiness answer names no host and carries no error text. Requests say which local port they
/// came in on through <see cref="TestPeers"/>.
/// </summary>
public sealed class ManagementPortTests : IDisposable
{
    private const int PublicPort = 8080;
    private const int ManagementPort = 9464;
    private readonly List<TimmyFactory> _factories = [];

    [Fact]
    public async Task In_production_metrics_and_readiness_details_are_served_only_on_the_management_port()
    {
        var client = Factory("Production", ("Management:Urls", $"http://127.0.0.1:{ManagementPort}")).CreateClient();

        var publicMetrics = await GetAsync(client, "/metrics", PublicPort);
        var privateMetrics = await GetAsync(client, "/metrics", ManagementPort);
        var publicReady = await GetAsync(client, "/api/readyz", PublicPort);
        var privateReady = await GetAsync(client, "/api/readyz", ManagementPort);

        await publicMetrics.AssertErrorAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, privateMetrics.StatusCode);
        Assert.Contains("timmy_", await privateMetrics.Content.ReadAsStringAsync());
        Assert.Equal("""{"status":"ready"}""", await publicReady.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, privateReady.StatusCode);
        Assert.True((await privateReady.ReadJsonAsync()).TryGetProperty("checks", out _));
    }

    [Fact]
    public async Task The_management_port_serves_nothing_but_the_operators_endpoints()
    {
        var client = Factory("Production", ("Management:Urls", $"http://127.0.0.1:{ManagementPort}")).CreateClient();

        await (await GetAsync(client, "/api/demo?request=ping", ManagementPort)).AssertErrorAsync(HttpStatusCode.NotFound);
        await (await GetAsync(client, "/", ManagementPort)).AssertErrorAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, "/api/healthz", ManagementPort)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, "/api/demo?request=ping", PublicPort)).StatusCode);
    }

    [Fact]
    public async Task In_production_without_a_management_port_metrics_are_not_served_and_readiness_is_bare()
    {
        var client = Factory("Production").CreateClient();

        await (await GetAsync(client, "/metrics", PublicPort)).AssertErrorAsync(HttpStatusCode.NotFound);
        Assert.Equal("""{"status":"ready"}""", await (await GetAsync(client, "/api/readyz", PublicPort)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unready_node_is_reported_publicly_without_its_address_or_error()
    {
        var client = Factory("Development",
            ("Management:Urls", $"http://127.0.0.1:{ManagementPort}"),
            ("Lightning:Backend", "lnbits"),
            ("Lightning:Lnbits:Url", $"http://127.0.0.1:{ClosedPort()}/"),
            ("Lightning:Lnbits:ApiKey", "0123456789abcdef0123456789abcdef"),
            ("Lightning:RequestTimeoutMs", "400"),
            ("Lightning:MaxRetries", "1"),
            ("Lightning:WatchInvoices", "false")).CreateClient();

        var publicReady = await GetAsync(client, "/api/readyz", PublicPort);
        var privateReady = await GetAsync(client, "/api/readyz", ManagementPort);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, publicReady.StatusCode);
        Assert.Equal("""{"status":"unavailable"}""", await publicReady.Content.ReadAsStringAsync());
        Assert.Contains("unreachable", await privateReady.Content.ReadAsStringAsync());
    }

    private static Task<HttpResponseMessage> GetAsync(HttpClient client, string path, int localPort) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Get, path).OnPort(localPort));

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private TimmyFactory Factory(string environment, params (string Key, string Value)[] settings)
    {
        var all = settings.ToDictionary(s => s.Key, s => (string?)s.Value);
        // Production refuses the stub node and the offline model unless told these are wanted.
        all["Lightning:AllowStubInProduction"] = "true";
        all["Agent:AllowOfflineInProduction"] = "true";
        var factory = new TimmyFactory { EnvironmentName = environment, Settings = all, TestServices = s => s.AddTestPeers() };
        _factories.Add(factory);
        return factory;
    }

    public void Dispose() => _factories.ForEach(f => f.Dispose());
}
