using System.Net;
using System.Text;
using System.Text.Json;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Reliability;

/// <summary>
/// The <c>forwardedFor</c> cases of <c>bad-inputs.json</c> (IPv6 with zones, brackets and ports, malformed lists),
/// sent from a trusted proxy to the endpoints whose per-client limits key on the forwarded address. None may be a
/// 5xx, and every refusal is a JSON <c>{"error"}</c>.
/// </summary>
public sealed class ForwardedForCorpusTests : IDisposable
{
    private const string Proxy = "10.0.0.1";

    private static readonly JsonElement Corpus =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reliability", "bad-inputs.json"))).RootElement;

    private readonly TimmyFactory _factory = new()
    {
        Settings =
        {
            ["ForwardedHeaders:KnownProxies"] = Proxy,
            ["CreationRateLimit:PermitsPerMinute"] = "5",
            ["Streams:MaxPerClient"] = "2",
            ["Demo:GlobalRequestsPerWindow"] = "20",
        },
        TestServices = s => s.AddTestPeers(),
    };

    private readonly List<string> _failures = [];
    private int _cases;

    [Fact]
    public async Task Malformed_and_ipv6_forwarded_addresses_are_never_a_500()
    {
        var client = _factory.CreateClient();
        var values = Corpus.GetProperty("forwardedFor").EnumerateArray().Select(v => Expand(v.GetString()!)).ToList();
        foreach (var forwardedFor in values)
        {
            await ExpectAnsweredAsync(client, forwardedFor, HttpMethod.Get, "/api/demo?request=ping", null);
            await ExpectAnsweredAsync(client, forwardedFor, HttpMethod.Post, "/api/jobs", """{"request":"What is a satoshi?"}""");
            await ExpectAnsweredAsync(client, forwardedFor, HttpMethod.Post, "/api/jobs", "{");
            await ExpectAnsweredAsync(client, forwardedFor, HttpMethod.Post, "/api/sessions", """{"amount_sats":1000}""");
            await ExpectAnsweredAsync(client, forwardedFor, HttpMethod.Get, $"/api/jobs/{Guid.NewGuid()}/events", null);
            await ExpectAnsweredAsync(client, forwardedFor, HttpMethod.Get, "/api/readyz", null);
        }

        Assert.True(_cases >= 6 * 35, $"only {_cases} cases ran");
        Assert.True(_failures.Count == 0, $"{_failures.Count} of {_cases} cases failed:\n" + string.Join("\n", _failures));
    }

    private async Task ExpectAnsweredAsync(HttpClient client, string forwardedFor, HttpMethod method, string path, string? json)
    {
        _cases++;
        var request = new HttpRequestMessage(method, path).From(Proxy);
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        var name = $"X-Forwarded-For '{Shorten(forwardedFor)}' → {method} {path}";
        using var response = await client.SendAsync(request);
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync();
        if (status >= 500 || (status >= 400 && !IsJsonError(response, text)))
        {
            _failures.Add($"{name}: {status} {Shorten(text)}");
        }
    }

    private static bool IsJsonError(HttpResponseMessage response, string text)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/json")
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Expand(string value) => value switch
    {
        "{many-hops}" => string.Join(", ", Enumerable.Range(1, 200).Select(i => $"2001:db8:{i:x}::{i:x}")),
        "{long}" => new string('1', 3000) + "::1",
        _ => value,
    };

    private static string Shorten(string text) => text.Length > 60 ? text[..60] + "…" : text;

    public void Dispose() => _factory.Dispose();
}
