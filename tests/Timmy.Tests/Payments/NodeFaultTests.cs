using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Timmy.Api.Payments;
using Timmy.Tests.Fakes;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Payments;

/// <summary>
/// A Lightning node that is slow, failing, gone or talking nonsense gives a clear PaymentBackendException,
/// within the configured bounds, and a job cannot be created: 503 JSON with no rows written.
/// </summary>
public sealed class NodeFaultTests
{
    private static readonly TimeSpan SlowNode = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan GivesUpWithin = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Bounds that stay fast and hold on a loaded machine: 2 s per attempt, one retry. A slow node answers only after
    /// <see cref="SlowNode"/>, so giving up within <see cref="GivesUpWithin"/> shows the timeout, not the node, ended it.
    /// </summary>
    private static readonly Dictionary<string, string?> TightBounds = new()
    {
        ["Lightning:RequestTimeoutMs"] = "2000",
        ["Lightning:MaxRetries"] = "1",
        ["Lightning:WatchInvoices"] = "false",
    };

    public static TheoryData<string, Fault, string> Faults => new()
    {
        { "lnbits", Fault.Slow, "LNbits did not answer in time" },
        { "lnbits", Fault.ServerError, "LNbits failed to create an invoice: HTTP 500 (Unexpected error! ID: 5f1e0c)" },
        { "lnbits", Fault.DropConnection, "LNbits is unreachable" },
        { "lnbits", Fault.GarbageBody, "LNbits sent an unreadable response (HTTP 200)" },
        { "lnd", Fault.Slow, "LND did not answer in time" },
        { "lnd", Fault.ServerError, "LND failed to create an invoice: HTTP 500 (rpc error: internal)" },
        { "lnd", Fault.DropConnection, "LND is unreachable" },
        { "lnd", Fault.GarbageBody, "LND sent an unreadable response (HTTP 200)" },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task A_faulty_node_gives_a_clear_error_within_the_bounds(string backend, Fault fault, string expected)
    {
        await using var node = await StartAsync(backend);
        using var factory = new TimmyFactory { Settings = With(node.Settings, TightBounds) };
        // The bound is about the faulty node, not about starting the host or a cold HTTP stack.
        await WarmUpAsync(factory);
        node.Server.SlowDelay = SlowNode;
        node.Server.Fault = fault;

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<PaymentBackendException>(() => CreateInvoiceAsync(factory));

        Assert.StartsWith(expected, error.Message);
        // Two attempts of 2 s at most, plus backoff; the slow node alone would take a minute.
        Assert.True(clock.Elapsed < GivesUpWithin, $"took {clock.Elapsed}");
    }

    [Theory]
    [InlineData(Fault.ServerError)]
    [InlineData(Fault.DropConnection)]
    public async Task Transient_failures_are_retried_before_giving_up(Fault fault)
    {
        await using var node = await StartAsync("lnbits");
        using var factory = new TimmyFactory { Settings = With(node.Settings, TightBounds) };
        // A cold host and HTTP stack could spend a whole attempt before reaching the node.
        await WarmUpAsync(factory);
        var before = node.Server.Requests;
        node.Server.Fault = fault;

        await Assert.ThrowsAsync<PaymentBackendException>(() => CreateInvoiceAsync(factory));

        Assert.Equal(2, node.Server.Requests - before);
    }

    [Fact]
    public async Task Paying_an_invoice_is_never_retried()
    {
        await using var node = await StartAsync("lnbits");
        using var factory = new TimmyFactory { Settings = With(node.Settings, TightBounds) };
        // Warm first, so the one attempt counted reaches the node rather than spending its time on a cold stack.
        await WarmUpAsync(factory);
        var before = node.Server.Requests;
        node.Server.Fault = Fault.ServerError;

        // A server error after the request reached the node may have come after the payment started.
        await Assert.ThrowsAsync<PaymentOutcomeUnknownException>(() =>
            factory.UseBackendAsync(b => b.PayInvoiceAsync("lnbcrt1n1anything", CancellationToken.None)));

        Assert.Equal(1, node.Server.Requests - before);
    }

    [Theory]
    [InlineData("lnbits", Fault.Slow)]
    [InlineData("lnbits", Fault.ServerError)]
    [InlineData("lnbits", Fault.DropConnection)]
    [InlineData("lnbits", Fault.GarbageBody)]
    [InlineData("lnd", Fault.ServerError)]
    public async Task Creating_a_job_while_the_node_is_faulty_is_a_503_and_writes_nothing(string backend, Fault fault)
    {
        await using var node = await StartAsync(backend);
        node.Server.Fault = fault;
        using var factory = new TimmyFactory { Settings = With(node.Settings, TightBounds) };

        var response = await factory.CreateClient().PostRawAsync("/api/jobs", """{"request": "What is a satoshi?"}""");

        var error = await response.AssertErrorAsync(HttpStatusCode.ServiceUnavailable);
        Assert.StartsWith("Lightning backend unavailable (ref ", error);
        Assert.Equal(0, await factory.CountRowsAsync());
    }

    [Fact]
    public async Task Creating_a_job_while_nothing_listens_at_the_node_address_is_a_503()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Lightning:Backend"] = "lnbits",
            ["Lightning:Lnbits:Url"] = $"http://127.0.0.1:{ClosedPort()}/",
            ["Lightning:Lnbits:ApiKey"] = FakeLnbits.InvoiceKey,
        };
        using var factory = new TimmyFactory { Settings = With(settings, TightBounds) };

        var response = await factory.CreateClient().PostRawAsync("/api/jobs", """{"request": "What is a satoshi?"}""");

        var error = await response.AssertErrorAsync(HttpStatusCode.ServiceUnavailable);
        Assert.StartsWith("Lightning backend unavailable (ref ", error);
        Assert.DoesNotContain("127.0.0.1", error);
        Assert.Equal(0, await factory.CountRowsAsync());
    }

    private static Task<CreatedInvoice> CreateInvoiceAsync(TimmyFactory factory) =>
        factory.UseBackendAsync(b => b.CreateInvoiceAsync(PaymentBackends.InvoiceOf(10), CancellationToken.None));

    /// <summary>
    /// Healthy calls until one succeeds: the host, its HTTP stack and the connection to the node are then warm. On a
    /// loaded machine the first call alone can outlast these tests' tight bounds (CI saw it time out at 1.2 s).
    /// </summary>
    private static Task WarmUpAsync(TimmyFactory factory) =>
        Eventually.ReturnsAsync(async () =>
        {
            try
            {
                await CreateInvoiceAsync(factory);
                return true;
            }
            catch (PaymentBackendException)
            {
                return false; // still cold; the node itself is healthy
            }
        }, succeeded => succeeded, TimeSpan.FromSeconds(30));

    private static async Task<RunningNode> StartAsync(string backend)
    {
        if (backend == "lnd")
        {
            var lnd = new FakeLnd();
            await lnd.StartAsync();
            return new RunningNode(lnd, lnd.TimmySettings());
        }

        var lnbits = new FakeLnbits();
        await lnbits.StartAsync();
        return new RunningNode(lnbits, lnbits.TimmySettings());
    }

    private static Dictionary<string, string?> With(Dictionary<string, string?> settings, Dictionary<string, string?> more) =>
        settings.Concat(more).ToDictionary();

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record RunningNode(LoopbackServer Server, Dictionary<string, string?> Settings) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }
}
