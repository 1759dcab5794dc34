using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Images;

namespace Timmy.EndToEnd;

/// <summary>
/// A server started as the README starts it, with small prices so a balance runs out in a few requests: every
/// request costs the per-request infrastructure ($0.02, about 25 sats) plus its tokens, from a 100-sat bundle.
/// </summary>
public sealed class OpenAIServer : IAsyncLifetime
{
    public ServerProcess Server { get; } = new(
        Path.Combine(Path.GetTempPath(), $"timmy-openai-{Guid.NewGuid():N}"),
        new Dictionary<string, string>
        {
            ["Boundary__MinBundleSats"] = "100",
            ["Sessions__MinimumBalanceSats"] = "1",
            ["Pricing__InfraCostUsdPerRequest"] = "0.02",
        },
        ownsDataFolder: true);

    public Task InitializeAsync() => Server.InitializeAsync();

    public Task DisposeAsync() => Server.DisposeAsync();
}

/// <summary>
/// The official OpenAI .NET SDK against Timmy, given only /v1 as its endpoint and an L402 token
/// (<c>macaroon:preimage</c>, bought by paying a 402 through the dev endpoint) as its API key.
/// </summary>
public sealed partial class OpenAISdkTests(OpenAIServer fixture) : IClassFixture<OpenAIServer>
{
    private const string Model = "timmy-offline-1";

    private ChatClient Client(string apiKey, string model = Model) =>
        new(model, new ApiKeyCredential(apiKey), new OpenAIClientOptions { Endpoint = new Uri(fixture.Server.BaseAddress, "/v1") });

    /// <summary>What a wallet does with a 402: pay its invoice (here through the stub's dev endpoint) and keep the preimage.</summary>
    /// <returns>The key, and the sats it bought: the bundle, or the 402's worst case of one call if that is more.</returns>
    private async Task<(string Key, long Sats)> BuyAsync()
    {
        using var http = fixture.Server.CreateClient();
        var challenge = await http.PostAsJsonAsync("/v1/chat/completions", new { model = Model, messages = new[] { new { role = "user", content = "hi" } } });
        Assert.Equal(HttpStatusCode.PaymentRequired, challenge.StatusCode);
        var macaroon = L402Macaroon().Match(string.Join(", ", challenge.Headers.WwwAuthenticate)).Groups[1].Value;
        var payment = (await challenge.ReadJsonAsync()).GetProperty("error").GetProperty("payment");
        var paid = await (await http.PostAsync($"/api/dev/stub/pay/{payment.GetProperty("payment_hash").GetString()}", null)).ReadJsonAsync();
        return ($"{macaroon}:{paid.GetProperty("preimage").GetString()}", payment.GetProperty("amount_sats").GetInt64());
    }

    private async Task<string> BuyKeyAsync() => (await BuyAsync()).Key;

    private static ChatMessage[] Ask(string text = "What is a satoshi?") => [new SystemChatMessage("Be brief."), new UserChatMessage(text)];

    private static ChatCompletionOptions Small => new() { MaxOutputTokenCount = 100 };

    private static long Header(PipelineResponseHolder holder, string name) =>
        holder.Response.Headers.TryGetValue(name, out var value) ? long.Parse(value!) : throw new Xunit.Sdk.XunitException($"no {name} header");

    [Fact]
    public async Task The_SDK_completes_and_the_answer_carries_its_cost_and_the_balance_left()
    {
        var (key, bought) = await BuyAsync();
        var chat = Client(key);

        var result = await chat.CompleteChatAsync(Ask(), Small);

        Assert.Contains("satoshi", result.Value.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, result.Value.FinishReason);
        Assert.True(result.Value.Usage.InputTokenCount > 0);
        Assert.True(result.Value.Usage.OutputTokenCount > 0);
        var raw = new PipelineResponseHolder(result.GetRawResponse());
        var cost = Header(raw, "X-Cost-Sats");
        Assert.InRange(cost, 25, 40);
        Assert.Equal(bought - cost, Header(raw, "X-Balance-Sats"));
    }

    [Fact]
    public async Task The_SDK_streams_receives_the_usage_with_its_cost_and_watches_the_balance_fall()
    {
        var (key, bought) = await BuyAsync();
        var chat = Client(key);
        var text = "";
        ChatTokenUsage? usage = null;

        await foreach (var update in chat.CompleteChatStreamingAsync(Ask(), Small))
        {
            text += string.Concat(update.ContentUpdate.Select(part => part.Text));
            usage = update.Usage ?? usage;
        }

        Assert.Contains("satoshi", text);
        Assert.NotNull(usage);
        Assert.True(usage.OutputTokenCount > 0);
        // Timmy's cost_sats rides in the usage object; the SDK keeps the fields it does not model in Patch.
#pragma warning disable SCME0001
        var streamCost = usage.Patch.GetInt64("$.cost_sats"u8);
#pragma warning restore SCME0001
        Assert.InRange(streamCost, 25, 40);
        var next = new PipelineResponseHolder((await chat.CompleteChatAsync(Ask(), Small)).GetRawResponse());
        Assert.Equal(bought - streamCost - Header(next, "X-Cost-Sats"), Header(next, "X-Balance-Sats"));
    }

    /// <summary>What the SDK does not show of a stream: its headers, and the raw usage chunk.</summary>
    [Fact]
    public async Task A_raw_stream_shows_the_balance_after_its_reservation_and_its_usage_chunk_carries_cost_sats()
    {
        var (key, bought) = await BuyAsync();
        using var http = fixture.Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new
            {
                model = Model, messages = new[] { new { role = "user", content = "What is a satoshi?" } }, max_tokens = 100,
                stream = true, stream_options = new { include_usage = true },
            }),
        };
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {key}");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var afterReservation = long.Parse(response.Headers.GetValues("X-Balance-Sats").Single());
        Assert.InRange(afterReservation, 0, bought - 1);
        var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e["data: ".Length..]).ToList();
        Assert.Equal("[DONE]", events[^1]);
        var cost = System.Text.Json.JsonDocument.Parse(events[^2]).RootElement.GetProperty("usage").GetProperty("cost_sats").GetInt64();
        Assert.InRange(cost, 1, bought - afterReservation);
    }

    [Fact]
    public async Task A_bad_key_is_a_401()
    {
        var failure = await Assert.ThrowsAsync<ClientResultException>(() => Client("sk-not-an-l402-token").CompleteChatAsync(Ask(), Small));

        Assert.Equal(401, failure.Status);
    }

    [Fact]
    public async Task An_unknown_model_is_a_404()
    {
        var chat = Client(await BuyKeyAsync(), "gpt-4o");

        var failure = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync(Ask(), Small));

        Assert.Equal(404, failure.Status);
        Assert.Contains("gpt-4o", failure.Message);
    }

    [Fact]
    public async Task The_balance_falls_request_by_request_until_it_is_exhausted_and_then_a_402_offers_a_top_up()
    {
        var (key, bought) = await BuyAsync();
        var chat = Client(key);
        var balances = new List<long> { bought };
        ClientResultException? refused = null;
        for (var i = 0; i < 10 && refused is null; i++)
        {
            try
            {
                var result = await chat.CompleteChatAsync(Ask($"What is a satoshi? #{i}"), Small);
                balances.Add(Header(new PipelineResponseHolder(result.GetRawResponse()), "X-Balance-Sats"));
            }
            catch (ClientResultException ex) when (ex.Status == 402)
            {
                refused = ex;
            }
        }

        Assert.NotNull(refused);
        Assert.True(balances.Count >= 3, $"balances: {string.Join(", ", balances)}");
        Assert.True(balances.Zip(balances.Skip(1)).All(pair => pair.Second < pair.First), $"balances: {string.Join(", ", balances)}");
        var challenges = string.Join(", ", refused.GetRawResponse()!.Headers.Where(h => h.Key == "WWW-Authenticate").Select(h => h.Value));
        Assert.Contains("L402 macaroon=", challenges);
        Assert.Contains("Payment id=", challenges);
    }

    [Fact]
    public async Task The_SDK_draws_an_image_priced_per_image()
    {
        var (key, bought) = await BuyAsync();
        var images = new ImageClient("timmy-offline-painter-1", new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(fixture.Server.BaseAddress, "/v1") });

        var result = await images.GenerateImageAsync("A lighthouse at dusk", new ImageGenerationOptions { ResponseFormat = GeneratedImageFormat.Bytes });

        Assert.Equal(0x89, result.Value.ImageBytes.ToArray()[0]); // PNG
        var raw = new PipelineResponseHolder(result.GetRawResponse());
        Assert.Equal(50, Header(raw, "X-Cost-Sats"));
        Assert.Equal(bought - 50, Header(raw, "X-Balance-Sats"));
    }

    /// <summary>Reads headers off the SDK's raw response.</summary>
    private sealed record PipelineResponseHolder(System.ClientModel.Primitives.PipelineResponse Response);

    [GeneratedRegex("L402 macaroon=\"([^\"]+)\"")]
    private static partial Regex L402Macaroon();
}
