using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Timmy.Http402;
using Timmy.Tests.Boundary;
using Timmy.Tests.Infrastructure;
using Timmy.Tests.OpenAI;

namespace Timmy.Tests.Reliability;

/// <summary>
/// The <c>paymentCredentials</c> cases of <c>bad-inputs.json</c>: malformed, truncated, forged and foreign
/// <c>Authorization</c> values sent to the paid routes. A broken L402, LSAT, Payment or Bearer credential is a 401;
/// a scheme Timmy does not speak is treated as none (a 402 challenge). Never a 5xx, always a JSON <c>{"error"}</c> (in
/// OpenAI's shape on /v1),
/// and no model runs: the paid balance behind the real credential is not touched.
/// </summary>
public sealed class PaymentCredentialCorpusTests : IDisposable
{
    private static readonly JsonElement Corpus =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reliability", "bad-inputs.json"))).RootElement;

    private static readonly string[] OurSchemes = ["L402 ", "LSAT ", "lsat ", "Payment ", "Bearer "];

    private readonly TimmyFactory _factory = new();
    private readonly List<string> _failures = [];
    private int _cases;

    [Fact]
    public async Task Broken_credentials_on_paid_routes_are_json_401s_or_challenges_and_never_run_a_model()
    {
        var client = _factory.CreateClient();
        var (_, challenge, preimage) = await client.BuyL402Async();
        var paid = await client.DrawAsync($"L402 {challenge.Macaroon}:{preimage}");
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        var balance = await BalanceAsync(challenge.PaymentHash);
        var otherPreimage = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var forged = new PaymentCredential(challenge.Payment, new() { ["preimage"] = otherPreimage }).ToHeader()["Payment ".Length..];
        string Expand(string value) => value
            .Replace("{macaroonNoPadding}", challenge.Macaroon.TrimEnd('='), StringComparison.Ordinal)
            .Replace("{macaroon}", challenge.Macaroon, StringComparison.Ordinal)
            .Replace("{otherPreimage}", otherPreimage, StringComparison.Ordinal)
            .Replace("{preimage}", preimage, StringComparison.Ordinal)
            .Replace("{forgedPayment}", forged, StringComparison.Ordinal);

        foreach (var authorization in Corpus.GetProperty("paymentCredentials").EnumerateArray().Select(v => Expand(v.GetString()!)))
        {
            await ExpectRefusedAsync(client, authorization, HttpMethod.Post, Buyer.Image, new { prompt = "A lighthouse" });
            await ExpectRefusedAsync(client, authorization, HttpMethod.Post, "/api/gemini/conversations", new { title = "x" });
            await ExpectRefusedAsync(client, authorization, HttpMethod.Get, "/api/gemini/conversations", null);
            await ExpectRefusedAsync(client, authorization, HttpMethod.Post, V1Client.Completions, V1Client.Ask());
            await ExpectRefusedAsync(client, authorization, HttpMethod.Post, V1Client.Images, new { prompt = "A lighthouse" });
        }

        Assert.True(_cases >= 5 * 40, $"only {_cases} cases ran");
        Assert.True(_failures.Count == 0, $"{_failures.Count} of {_cases} cases failed:\n" + string.Join("\n", _failures));
        Assert.Equal(balance, await BalanceAsync(challenge.PaymentHash));
    }

    private async Task ExpectRefusedAsync(HttpClient client, string authorization, HttpMethod method, string path, object? body)
    {
        _cases++;
        var name = $"'{(authorization.Length > 60 ? authorization[..60] + "…" : authorization)}' → {method} {path}";
        using var response = await client.SendAsync(method, path, authorization, body);
        var text = await response.Content.ReadAsStringAsync();
        var ours = OurSchemes.Any(s => authorization.StartsWith(s, StringComparison.Ordinal) && authorization.Trim().Length > s.Trim().Length);
        var allowed = ours ? [HttpStatusCode.Unauthorized] : new[] { HttpStatusCode.Unauthorized, HttpStatusCode.PaymentRequired };
        if (!allowed.Contains(response.StatusCode))
        {
            _failures.Add($"{name}: {(int)response.StatusCode} {Shorten(text)}");
            return;
        }

        try
        {
            // The /v1 routes answer in OpenAI's shape, which the SDKs parse.
            using var json = JsonDocument.Parse(text);
            if (path.StartsWith("/v1/", StringComparison.Ordinal) ? !V1Client.IsOpenAIError(json.RootElement)
                : json.RootElement.GetProperty("error").GetString() is not { Length: > 0 })
            {
                _failures.Add($"{name}: empty error, or not in the route's shape: {Shorten(text)}");
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            _failures.Add($"{name}: not a JSON error: {Shorten(text)}");
        }
    }

    /// <summary>The balance the real credential bought: what a request that slipped through would have spent.</summary>
    private Task<long> BalanceAsync(string paymentHash) => _factory.WithDbAsync(async db =>
    {
        var sessionId = db.Invoices.Single(i => i.PaymentHash == paymentHash).SessionId;
        return db.Sessions.Single(s => s.Id == sessionId).BalanceSats;
    });

    private static string Shorten(string text) => text.Length > 160 ? text[..160] + "…" : text;

    public void Dispose() => _factory.Dispose();
}
