using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Npgsql;
using Timmy.Tests.Fakes;

namespace Timmy.EndToEnd;

/// <summary>
/// One paid L402 credential spent on two server processes at once, on PostgreSQL: both debit the one balance, and
/// together they serve exactly what it buys, never more.
/// </summary>
public sealed partial class SharedBalanceTests
{
    private const int ImagePrice = 50;
    private const int Bundle = 1000;

    [SkippableFact]
    public async Task The_same_credential_on_two_instances_debits_one_balance()
    {
        Skip.IfNot(TestDatabase.IsPostgres, $"Needs PostgreSQL: set {TestDatabase.PostgresVariable}");
        await OnTwoInstancesAsync(new() { ["Chat__ImagePriceSats"] = ImagePrice.ToString() }, async (a, b, _) =>
        {
            var challenge = await a.PostAsJsonAsync("/api/gemini/generate-image", new { prompt = "A lighthouse" });
            Assert.Equal(HttpStatusCode.PaymentRequired, challenge.StatusCode);
            var hash = (await challenge.ReadJsonAsync()).GetProperty("paymentHash").GetString()!;
            var authorization = $"L402 {await PayAsync(b, challenge, hash)}";

            var calls = Enumerable.Range(0, 30).Select(i => PostAsync(i % 2 == 0 ? a : b, "/api/gemini/generate-image", authorization, new { prompt = "A lighthouse" }));
            var statuses = (await Task.WhenAll(calls)).Select(r => r.StatusCode).ToList();

            Assert.Equal(Bundle / ImagePrice, statuses.Count(s => s == HttpStatusCode.OK));
            Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.OK, HttpStatusCode.PaymentRequired }));
        });
    }

    /// <summary>
    /// The same for /v1/chat/completions, metered per token: each call reserves its worst case (about 30 sats here, the
    /// per-request cost being $0.02) on the one balance from either instance, so some are refused, none overdraws it,
    /// and the ledger holds exactly the debits the answers reported.
    /// </summary>
    [SkippableFact]
    public async Task Concurrent_completions_on_two_instances_never_overdraw_one_balance_and_the_ledger_balances()
    {
        Skip.IfNot(TestDatabase.IsPostgres, $"Needs PostgreSQL: set {TestDatabase.PostgresVariable}");
        const int bundle = 300;
        var environment = new Dictionary<string, string> { ["Boundary__MinBundleSats"] = bundle.ToString(), ["Pricing__InfraCostUsdPerRequest"] = "0.02" };
        await OnTwoInstancesAsync(environment, async (a, b, server) =>
        {
            var ask = new { model = "timmy-offline-1", messages = new[] { new { role = "user", content = "What is a satoshi?" } }, max_tokens = 100 };
            var challenge = await a.PostAsJsonAsync("/v1/chat/completions", ask);
            Assert.Equal(HttpStatusCode.PaymentRequired, challenge.StatusCode);
            var hash = (await challenge.ReadJsonAsync()).GetProperty("error").GetProperty("payment").GetProperty("payment_hash").GetString()!;
            var authorization = $"Bearer {await PayAsync(b, challenge, hash)}";

            var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => PostAsync(i % 2 == 0 ? a : b, "/v1/chat/completions", authorization, ask)));

            Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.PaymentRequired }));
            var costs = responses.Where(r => r.StatusCode == HttpStatusCode.OK).Select(r => long.Parse(r.Headers.GetValues("X-Cost-Sats").Single())).ToList();
            Assert.InRange(costs.Count, 2, 39);
            Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.PaymentRequired);
            var (balance, reserved, ledger, debits) = await BalanceOfAsync(server, hash);
            Assert.Equal(0, reserved);
            Assert.Equal(bundle - costs.Sum(), balance);
            Assert.InRange(balance, 0, bundle);
            Assert.Equal(balance, ledger);
            Assert.Equal(costs.Sum(), debits);
        });
    }

    /// <summary>Two processes over one PostgreSQL database; every price small enough that a balance runs out.</summary>
    private static async Task OnTwoInstancesAsync(Dictionary<string, string> environment, Func<HttpClient, HttpClient, ServerProcess, Task> test)
    {
        var dataFolder = Path.Combine(Path.GetTempPath(), $"timmy-shared-{Guid.NewGuid():N}");
        environment.TryAdd("Boundary__MinBundleSats", Bundle.ToString());
        environment["Sessions__MinimumBalanceSats"] = "1";
        var first = new ServerProcess(dataFolder, environment, ownsDataFolder: true);
        var second = new ServerProcess(dataFolder, environment);
        await first.InitializeAsync();
        await second.InitializeAsync();
        try
        {
            using var a = first.CreateClient();
            using var b = second.CreateClient();
            await test(a, b, first);
        }
        finally
        {
            await second.DisposeAsync();
            await first.DisposeAsync();
        }
    }

    /// <summary>Pays a 402's invoice (through the stub's dev endpoint) and returns the L402 token <c>macaroon:preimage</c>.</summary>
    private static async Task<string> PayAsync(HttpClient client, HttpResponseMessage challenge, string hash)
    {
        var macaroon = L402Macaroon().Match(string.Join(", ", challenge.Headers.WwwAuthenticate)).Groups[1].Value;
        var paid = await (await client.PostAsync($"/api/dev/stub/pay/{hash}", null)).ReadJsonAsync();
        return $"{macaroon}:{paid.GetProperty("preimage").GetString()}";
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string authorization, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return await client.SendAsync(request);
    }

    /// <summary>The balance the invoice funded, as stored: what is left, what is held, the ledger's sum and its debits.</summary>
    private static async Task<(long Balance, long Reserved, long Ledger, long Debits)> BalanceOfAsync(ServerProcess server, string paymentHash)
    {
        await using var connection = new NpgsqlConnection(server.PostgresConnectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("""
            SELECT s."BalanceSats", s."ReservedSats",
                   (SELECT COALESCE(SUM(l."AmountSats"), 0) FROM session_ledger l WHERE l."SessionId" = s."Id"),
                   (SELECT COALESCE(-SUM(l."AmountSats"), 0) FROM session_ledger l WHERE l."SessionId" = s."Id" AND l."Kind" = 'UsageDebit')
            FROM sessions s JOIN invoices i ON i."SessionId" = s."Id" WHERE i."PaymentHash" = @hash
            """, connection);
        query.Parameters.AddWithValue("hash", paymentHash);
        await using var row = await query.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync());
        return (row.GetInt64(0), row.GetInt64(1), row.GetInt64(2), row.GetInt64(3));
    }

    [GeneratedRegex("L402 macaroon=\"([^\"]+)\"")]
    private static partial Regex L402Macaroon();
}
