using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
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
        var dataFolder = Path.Combine(Path.GetTempPath(), $"timmy-shared-{Guid.NewGuid():N}");
        var environment = new Dictionary<string, string>
        {
            ["Boundary__MinBundleSats"] = Bundle.ToString(), ["Chat__ImagePriceSats"] = ImagePrice.ToString(), ["Sessions__MinimumBalanceSats"] = "1",
        };
        var first = new ServerProcess(dataFolder, environment, ownsDataFolder: true);
        var second = new ServerProcess(dataFolder, environment);
        await first.InitializeAsync();
        await second.InitializeAsync();
        try
        {
            using var a = first.CreateClient();
            using var b = second.CreateClient();
            var challenge = await a.PostAsJsonAsync("/api/gemini/generate-image", new { prompt = "A lighthouse" });
            Assert.Equal(HttpStatusCode.PaymentRequired, challenge.StatusCode);
            var macaroon = L402Macaroon().Match(string.Join(", ", challenge.Headers.WwwAuthenticate)).Groups[1].Value;
            var hash = (await challenge.ReadJsonAsync()).GetProperty("paymentHash").GetString();
            var paid = await (await b.PostAsync($"/api/dev/stub/pay/{hash}", null)).ReadJsonAsync();
            var authorization = $"L402 {macaroon}:{paid.GetProperty("preimage").GetString()}";

            var calls = Enumerable.Range(0, 30).Select(i => DrawAsync(i % 2 == 0 ? a : b, authorization));
            var statuses = await Task.WhenAll(calls);

            Assert.Equal(Bundle / ImagePrice, statuses.Count(s => s == HttpStatusCode.OK));
            Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.OK, HttpStatusCode.PaymentRequired }));
        }
        finally
        {
            await second.DisposeAsync();
            await first.DisposeAsync();
        }
    }

    private static async Task<HttpStatusCode> DrawAsync(HttpClient client, string authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/gemini/generate-image") { Content = JsonContent.Create(new { prompt = "A lighthouse" }) };
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return (await client.SendAsync(request)).StatusCode;
    }

    [GeneratedRegex("L402 macaroon=\"([^\"]+)\"")]
    private static partial Regex L402Macaroon();
}
