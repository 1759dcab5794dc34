using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Timmy.Macaroons;
using Timmy.Tests.Infrastructure;
using Timmy.Tests.OpenAI;

namespace Timmy.Tests.Reliability;

/// <summary>
/// Sends every case of <c>bad-inputs.json</c> to every endpoint it applies to. Each answer must be a 4xx with a
/// JSON <c>{"error"}</c>, none a 5xx, and nothing in the database may change.
/// </summary>
public sealed class BadInputCorpusTests : IDisposable
{
    private static readonly JsonElement Corpus =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reliability", "bad-inputs.json"))).RootElement;

    private readonly TimmyFactory _factory = new() { Settings = { ["Chat:Free"] = "true" } };
    private readonly List<string> _failures = [];
    private int _cases;

    [Fact]
    public async Task Every_bad_input_gets_a_4xx_json_error_and_changes_nothing()
    {
        var client = _factory.CreateClient();
        var world = await World.CreateAsync(client, _factory);
        var jsonEndpoints = new (string Path, string Field, bool Amount, bool Macaroon)[]
        {
            ("/api/jobs", "request", false, false),
            ($"/api/jobs/{world.RefundableJobId}/refund", "invoice", false, false),
            ("/api/sessions", "amount_sats", true, false),
            ($"/api/sessions/{world.SessionId}/request", "request", false, true),
            ($"/api/sessions/{world.SessionId}/topup", "amount_sats", true, true),
            ($"/api/sessions/{world.SessionId}/withdraw", "invoice", false, true),
            ("/api/gemini/conversations", "title", false, false),
            ($"/api/gemini/conversations/{world.ConversationId}/messages", "content", false, false),
            ("/api/gemini/generate-image", "prompt", false, false),
        };

        foreach (var endpoint in jsonEndpoints)
        {
            // A withdrawal needs proof of payment: the macaroon with the deposit's preimage (an L402 token as a Bearer key).
            var auth = endpoint.Macaroon ? (endpoint.Path.EndsWith("/withdraw", StringComparison.Ordinal) ? world.WithdrawKey : world.Macaroon) : null;
            foreach (var body in Corpus.GetProperty("bodies").EnumerateArray())
            {
                await ExpectRejectedAsync(client, $"{body.GetProperty("name")} → POST {endpoint.Path}", HttpMethod.Post, endpoint.Path,
                    Content(body), auth);
            }

            foreach (var value in Corpus.GetProperty(endpoint.Amount ? "amountValues" : "textValues").EnumerateArray())
            {
                var literal = Literal(value.GetString()!);
                await ExpectRejectedAsync(client, $"{endpoint.Field}={Shorten(literal)} → POST {endpoint.Path}", HttpMethod.Post, endpoint.Path,
                    Json($"{{\"{endpoint.Field}\": {literal}}}"), auth);
            }
        }

        foreach (var invoice in Corpus.GetProperty("bolt11").EnumerateArray().Select(v => v.GetString()!))
        {
            await ExpectRejectedAsync(client, $"bolt11 {Shorten(invoice)}", HttpMethod.Post, $"/api/jobs/{world.RefundableJobId}/refund",
                Json(JsonSerializer.Serialize(new { invoice })), null, HttpStatusCode.BadRequest);
            await ExpectRejectedAsync(client, $"bolt11 {Shorten(invoice)} → withdraw", HttpMethod.Post, $"/api/sessions/{world.SessionId}/withdraw",
                Json(JsonSerializer.Serialize(new { invoice })), world.WithdrawKey, HttpStatusCode.BadRequest);
        }

        foreach (var header in Corpus.GetProperty("macaroons").EnumerateArray().Select(v => world.Expand(v.GetString()!)))
        {
            foreach (var (path, body) in new[]
            {
                ($"/api/sessions/{world.SessionId}/request", """{"request":"hi"}"""),
                ($"/api/sessions/{world.SessionId}/topup", """{"amount_sats":500}"""),
                ($"/api/sessions/{world.SessionId}/withdraw", """{"invoice":"lnbcrt1"}"""),
            })
            {
                await ExpectRejectedAsync(client, $"authorization '{Shorten(header)}' → {path}", HttpMethod.Post, path, Json(body), header, HttpStatusCode.Unauthorized, rawAuthorization: true);
            }
        }

        foreach (var id in Corpus.GetProperty("ids").EnumerateArray().Select(v => v.GetString()!))
        {
            foreach (var path in new[] { $"/api/jobs/{id}", $"/api/jobs/{id}/events", $"/api/sessions/{id}", $"/api/sessions/{id}/withdrawals", $"/api/gemini/conversations/{id}", $"/api/gemini/conversations/{id}/messages" })
            {
                await ExpectRejectedAsync(client, $"GET {path}", HttpMethod.Get, path, null, null);
            }
        }

        Assert.True(_cases >= 200, $"only {_cases} cases ran");
        Assert.True(_failures.Count == 0, $"{_failures.Count} of {_cases} cases failed:\n" + string.Join("\n", _failures));
    }

    /// <summary>
    /// The /v1 routes, with a paid key so that the body is parsed: the broken bodies, the text values as the model and
    /// the prompt, and the <c>v1Bodies</c> cases. Each is a 4xx in OpenAI's shape (what the SDKs parse), nothing written.
    /// </summary>
    [Fact]
    public async Task Every_bad_input_to_v1_gets_a_4xx_in_OpenAI_shape_and_changes_nothing()
    {
        using var factory = new TimmyFactory();
        var client = factory.CreateClient();
        var (authorization, _) = await client.BuyKeyAsync(factory);
        // The key's first use credits its deposit: done here, so that the corpus starts from a settled balance.
        await client.CompleteAsync(authorization, new { });
        var routes = new Dictionary<string, (string Path, string Field, string OtherFields)>
        {
            ["completions"] = (V1Client.Completions, "model", """, "messages": [{"role": "user", "content": "hi"}]"""),
            ["images"] = (V1Client.Images, "prompt", ""),
        };

        foreach (var (path, field, otherFields) in routes.Values)
        {
            foreach (var body in Corpus.GetProperty("bodies").EnumerateArray())
            {
                await ExpectRejectedAsync(factory, client, $"{body.GetProperty("name")} → POST {path}", HttpMethod.Post, path, Content(body),
                    authorization, rawAuthorization: true, openAI: true);
            }

            foreach (var value in Corpus.GetProperty("textValues").EnumerateArray())
            {
                var literal = Literal(value.GetString()!);
                await ExpectRejectedAsync(factory, client, $"{field}={Shorten(literal)} → POST {path}", HttpMethod.Post, path,
                    Json($"{{\"{field}\": {literal}{otherFields}}}"), authorization, rawAuthorization: true, openAI: true);
            }
        }

        foreach (var v1 in Corpus.GetProperty("v1Bodies").EnumerateArray())
        {
            var path = routes[v1.GetProperty("route").GetString()!].Path;
            await ExpectRejectedAsync(factory, client, $"{v1.GetProperty("name")} → POST {path}", HttpMethod.Post, path,
                Json(v1.GetProperty("body").GetString()!), authorization, rawAuthorization: true, openAI: true);
        }

        Assert.True(_cases >= 150, $"only {_cases} cases ran");
        Assert.True(_failures.Count == 0, $"{_failures.Count} of {_cases} cases failed:\n" + string.Join("\n", _failures));
    }

    private Task ExpectRejectedAsync(
        HttpClient client, string name, HttpMethod method, string path, HttpContent? content, string? authorization,
        HttpStatusCode? expected = null, bool rawAuthorization = false) =>
        ExpectRejectedAsync(_factory, client, name, method, path, content, authorization, expected, rawAuthorization);

    private async Task ExpectRejectedAsync(
        TimmyFactory factory, HttpClient client, string name, HttpMethod method, string path, HttpContent? content, string? authorization,
        HttpStatusCode? expected = null, bool rawAuthorization = false, bool openAI = false)
    {
        _cases++;
        var before = await Fingerprint(factory);
        var message = new HttpRequestMessage(method, path) { Content = content };
        if (authorization is not null)
        {
            message.Headers.TryAddWithoutValidation("Authorization", rawAuthorization ? authorization : $"Bearer {authorization}");
        }

        using var response = await client.SendAsync(message);
        var text = await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;
        var isJsonError = response.Content.Headers.ContentType?.MediaType == "application/json" && HasErrorProperty(text, openAI);
        if (status is < 400 or >= 500 || !isJsonError || (expected is not null && response.StatusCode != expected))
        {
            _failures.Add($"{name}: {status} {Shorten(text)}");
        }
        else if (await Fingerprint(factory) != before)
        {
            _failures.Add($"{name}: {status} but the database changed");
        }
    }

    /// <summary>Row counts of every table, and the session balances: any write shows up here.</summary>
    private static Task<string> Fingerprint(TimmyFactory factory) => factory.WithDbAsync(async db =>
        string.Join(",",
            await db.Jobs.CountAsync(), await db.Invoices.CountAsync(), await db.IdempotencyKeys.CountAsync(),
            await db.Sessions.CountAsync(), await db.Sessions.SumAsync(s => s.BalanceSats + s.ReservedSats),
            await db.SessionLedger.CountAsync(), await db.SessionRequests.CountAsync(), await db.StubInvoices.CountAsync(),
            await db.StubPayments.CountAsync(), await db.SessionWithdrawals.CountAsync(), await db.Conversations.CountAsync(), await db.Messages.CountAsync()));

    /// <summary>The API's <c>{"error": "…"}</c>, or OpenAI's <c>{"error": {"message", "type", "param", "code"}}</c> on /v1.</summary>
    private static bool HasErrorProperty(string text, bool openAI)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return openAI
                ? V1Client.IsOpenAIError(document.RootElement)
                : document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static HttpContent Content(JsonElement body)
    {
        var bytes = body.TryGetProperty("generate", out var generate)
            ? generate.GetString() switch
            {
                "deep" => Encoding.UTF8.GetBytes(new string('[', 5000) + new string(']', 5000)),
                "huge" => Encoding.UTF8.GetBytes($$"""{"request":"{{new string('a', 2 * 1024 * 1024)}}"}"""),
                "invalid-utf8" => [(byte)'{', (byte)'"', 0xC3, 0x28, 0xA0, 0xA1, (byte)'"', (byte)':', (byte)'1', (byte)'}'],
                var other => throw new InvalidOperationException($"unknown generator {other}"),
            }
            : Encoding.UTF8.GetBytes(body.GetProperty("body").GetString()!);
        var content = new ByteArrayContent(bytes);
        var type = body.GetProperty("contentType").GetString();
        if (!string.IsNullOrEmpty(type))
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
        }

        return content;
    }

    private static HttpContent Json(string json) => new StringContent(json, Encoding.UTF8, "application/json");

    private static string Literal(string value) =>
        value == """{"generate":"long-text"}""" ? JsonSerializer.Serialize(new string('x', 9000)) : value;

    private static string Shorten(string text) => text.Length > 60 ? text[..60] + "…" : text;

    /// <summary>What the corpus needs to exist: a job owing a refund, an active session with its macaroon, a conversation.</summary>
    private sealed record World(string RefundableJobId, string SessionId, string Macaroon, string OtherMacaroon, string ConversationId)
    {
        public string WithdrawKey => $"{Macaroon}:{SessionClient.DepositPreimage(SessionId)}";

        public static async Task<World> CreateAsync(HttpClient client, TimmyFactory factory)
        {
            var job = await client.RunJobAsync("Explain the Lightning Network in two sentences");
            var (sessionId, macaroon) = await client.ActiveSessionAsync(1000);
            var (_, otherMacaroon) = await client.ActiveSessionAsync(1000);
            var conversation = await (await client.PostAsync("/api/gemini/conversations",
                new StringContent("""{"title":"corpus"}""", Encoding.UTF8, "application/json"))).ReadJsonAsync();
            return new World(job.Str("jobId"), sessionId, macaroon, otherMacaroon, conversation.GetProperty("id").GetRawText());
        }

        public string Expand(string header) => header
            .Replace("{tampered}", Macaroon[..20] + (Macaroon[20] == 'A' ? 'B' : 'A') + Macaroon[21..])
            .Replace("{truncated}", Macaroon[..(Macaroon.Length / 2)])
            .Replace("{other-session}", OtherMacaroon)
            .Replace("{foreign-key}", Timmy.Macaroons.Macaroon.Create(new byte[32], "timmy-session:v1:" + Guid.Parse(SessionId).ToString("N"), "timmy")
                .AddFirstPartyCaveat($"session = {Guid.Parse(SessionId):N}").Serialize());
    }

    public void Dispose() => _factory.Dispose();
}
