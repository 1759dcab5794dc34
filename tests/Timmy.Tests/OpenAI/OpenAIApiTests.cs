using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Timmy.Api.OpenAI;
using Timmy.Tests.Boundary;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.OpenAI;

/// <summary>The /v1 routes through the HTTP pipeline, on the offline model: shapes, errors, payment and metering.</summary>
public sealed class OpenAIApiTests : IDisposable
{
    private readonly List<TimmyFactory> _factories = [];

    private (TimmyFactory Factory, HttpClient Client) Start(long bundle = 1000, Dictionary<string, string?>? settings = null)
    {
        var factory = new TimmyFactory { Settings = { ["Boundary:MinBundleSats"] = bundle.ToString(), ["Sessions:MinimumBalanceSats"] = "1" } };
        foreach (var (key, value) in settings ?? [])
        {
            factory.Settings[key] = value;
        }

        _factories.Add(factory);
        return (factory, factory.CreateClient());
    }

    [Fact]
    public async Task The_model_list_is_public_and_prices_tokens_in_sats()
    {
        var (_, client) = Start();

        var response = await client.GetAsync("/v1/models");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var list = await response.ReadJsonAsync();
        Assert.Equal("list", list.Str("object"));
        var model = Assert.Single(list.GetProperty("data").EnumerateArray());
        Assert.Equal("timmy-offline-1", model.Str("id"));
        Assert.Equal("model", model.Str("object"));
        Assert.Equal("timmy", model.Str("owned_by"));
        Assert.True(model.GetProperty("created").GetInt64() > 0);
        // Default rates ($3 and $15 per million tokens) with a 25% margin at $100,000 per BTC.
        Assert.Equal(3.75m, model.GetProperty("pricing").GetProperty("input_sats_per_1k").GetDecimal());
        Assert.Equal(18.75m, model.GetProperty("pricing").GetProperty("output_sats_per_1k").GetDecimal());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/models/timmy-offline-1")).StatusCode);
        await (await client.GetAsync("/v1/models/gpt-4o")).AssertOpenAIErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task No_credential_gets_a_402_with_the_L402_and_Payment_challenges_in_OpenAI_shape()
    {
        var (_, client) = Start();

        var response = await client.CompleteAsync(null);

        var challenge = await Buyer.ReadChallengeAsync(response);
        Assert.Equal(["Payment", "Payment", "L402", "LSAT"], challenge.All.Select(c => c.Scheme));
        var error = challenge.Body.GetProperty("error");
        Assert.Equal("insufficient_quota", error.Str("type"));
        Assert.Equal("payment_required", error.Str("code"));
        Assert.Equal(challenge.Invoice, error.GetProperty("payment").Str("invoice"));
        Assert.Equal(challenge.PaymentHash, error.GetProperty("payment").Str("payment_hash"));
        Assert.Equal(1000, error.GetProperty("payment").GetProperty("amount_sats").GetInt64());
        Assert.False(error.GetProperty("payment").TryGetProperty("error", out _));
    }

    [Theory]
    [InlineData("Bearer")]
    [InlineData("L402")]
    [InlineData("Payment")]
    public async Task A_paid_credential_completes_with_usage_and_the_cost_and_balance_headers(string scheme)
    {
        var (factory, client) = Start();
        var (authorization, sessionId) = await client.BuyKeyAsync(factory);
        if (scheme == "L402")
        {
            authorization = "L402 " + authorization["Bearer ".Length..];
        }
        else if (scheme == "Payment")
        {
            var (payment, challenge) = await client.BuyPaymentAsync();
            authorization = payment;
            sessionId = await factory.WithDbAsync(db => db.Invoices.Where(i => i.PaymentHash == challenge.PaymentHash).Select(i => i.SessionId!.Value).SingleAsync());
        }

        var response = await client.CompleteAsync(authorization);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var completion = await response.ReadJsonAsync();
        Assert.Equal("chat.completion", completion.Str("object"));
        Assert.StartsWith("chatcmpl-", completion.Str("id"));
        Assert.Equal("timmy-offline-1", completion.Str("model"));
        var choice = Assert.Single(completion.GetProperty("choices").EnumerateArray());
        Assert.Equal("assistant", choice.GetProperty("message").Str("role"));
        Assert.Contains("satoshi", choice.GetProperty("message").Str("content"));
        Assert.Equal("stop", choice.Str("finish_reason"));
        var usage = completion.GetProperty("usage");
        Assert.True(usage.GetProperty("prompt_tokens").GetInt64() > 0);
        Assert.True(usage.GetProperty("completion_tokens").GetInt64() > 0);
        var cost = response.Header(MeteredCall.CostHeader);
        Assert.True(cost > 0);
        Assert.Equal(cost, usage.GetProperty("cost_sats").GetInt64());
        var session = await factory.SessionAsync(sessionId);
        Assert.Equal(1000 - cost, session.BalanceSats);
        Assert.Equal(session.BalanceSats, response.Header(MeteredCall.BalanceHeader));
        Assert.Equal(0, session.ReservedSats);
        Assert.Equal([cost], await factory.DebitsAsync(sessionId));
        Assert.True(response.Headers.Contains("Payment-Receipt"));
    }

    [Fact]
    public async Task A_bad_credential_is_a_401_in_OpenAI_shape()
    {
        var (_, client) = Start();

        var error = await (await client.CompleteAsync("Bearer sk-not-a-token")).AssertOpenAIErrorAsync(HttpStatusCode.Unauthorized);

        Assert.Equal("invalid_api_key", error.Str("code"));
    }

    [Fact]
    public async Task An_unknown_route_under_v1_is_a_404_in_OpenAI_shape()
    {
        var (_, client) = Start();

        var error = await (await client.PostAsync("/v1/embeddings", new StringContent("{}"))).AssertOpenAIErrorAsync(HttpStatusCode.NotFound);

        Assert.Equal("unknown_url", error.Str("code"));
    }

    [Fact]
    public async Task An_unknown_model_is_a_404_model_not_found()
    {
        var (factory, client) = Start();
        var (authorization, _) = await client.BuyKeyAsync(factory);

        var error = await (await client.CompleteAsync(authorization, V1Client.Ask(model: "gpt-4o"))).AssertOpenAIErrorAsync(HttpStatusCode.NotFound);

        Assert.Equal("model_not_found", error.Str("code"));
        Assert.Equal("model", error.Str("param"));
    }

    [Fact]
    public async Task A_stream_sends_chunks_a_usage_chunk_with_its_cost_then_DONE_and_shows_the_balance_after_its_reservation()
    {
        var (factory, client) = Start();
        var (authorization, sessionId) = await client.BuyKeyAsync(factory);

        var response = await client.CompleteAsync(authorization, V1Client.Ask(maxTokens: 200, stream: true, includeUsage: true));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = await response.ReadEventsAsync();
        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.Str("object")));
        Assert.Single(chunks.Select(c => c.Str("id")).Distinct());
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").Str("role"));
        var text = string.Concat(chunks.SelectMany(c => c.GetProperty("choices").EnumerateArray())
            .Select(c => c.GetProperty("delta").TryGetProperty("content", out var content) ? content.GetString() : ""));
        Assert.Contains("satoshi", text);
        Assert.Equal("stop", chunks[^2].GetProperty("choices")[0].Str("finish_reason"));
        var usage = chunks[^1].GetProperty("usage");
        Assert.Empty(chunks[^1].GetProperty("choices").EnumerateArray());
        var cost = usage.GetProperty("cost_sats").GetInt64();
        Assert.True(cost > 0);
        var session = await factory.SessionAsync(sessionId);
        Assert.Equal(1000 - cost, session.BalanceSats);
        Assert.Equal(await factory.LedgerSumAsync(sessionId), session.BalanceSats);
        // The header was written before the answer: the balance with the whole worst case still held back.
        var reservation = await factory.WithDbAsync(db => db.SessionRequests.SingleAsync());
        Assert.Equal(1000 - reservation.ReservedSats, response.Header(MeteredCall.BalanceHeader));
        Assert.True(reservation.ReservedSats > cost);
    }

    [Fact]
    public async Task Without_max_tokens_a_stream_reserves_the_configured_default_and_shows_the_balance_after_it()
    {
        var (factory, client) = Start(settings: new() { ["OpenAI:DefaultMaxTokens"] = "2000" });
        var (authorization, _) = await client.BuyKeyAsync(factory);

        var unnamed = await client.CompleteAsync(authorization, V1Client.Ask(stream: true, includeUsage: true));
        var cost = JsonDocument.Parse((await unnamed.ReadEventsAsync())[^2]).RootElement.GetProperty("usage").GetProperty("cost_sats").GetInt64();
        await (await client.CompleteAsync(authorization, V1Client.Ask(maxTokens: 2000, stream: true))).ReadEventsAsync();
        await (await client.CompleteAsync(authorization, V1Client.Ask(maxTokens: 4096, stream: true))).ReadEventsAsync();

        var reserved = await factory.WithDbAsync(db => db.SessionRequests.OrderBy(r => r.CreatedAt).Select(r => r.ReservedSats).ToListAsync());
        Assert.Equal(reserved[1], reserved[0]); // the default, as if named
        Assert.True(reserved[2] > reserved[0], $"reserved: {string.Join(", ", reserved)}"); // not the cap
        Assert.Equal(1000 - reserved[0], unnamed.Header(MeteredCall.BalanceHeader));
        Assert.True(cost > 0 && cost < reserved[0]);
    }

    [Fact]
    public async Task A_stream_without_include_usage_ends_with_the_finish_chunk_and_DONE()
    {
        var (factory, client) = Start();
        var (authorization, _) = await client.BuyKeyAsync(factory);

        var events = await (await client.CompleteAsync(authorization, V1Client.Ask(stream: true))).ReadEventsAsync();

        Assert.Equal("[DONE]", events[^1]);
        Assert.DoesNotContain(events[..^1], e => JsonDocument.Parse(e).RootElement.TryGetProperty("usage", out _));
    }

    [Fact]
    public async Task A_completion_the_balance_cannot_cover_gets_a_402_that_tops_up_the_same_balance()
    {
        var (factory, client) = Start(bundle: 100, settings: new() { ["OpenAI:MaxTokens"] = "100000" });
        var (authorization, sessionId) = await client.BuyKeyAsync(factory);

        var refused = await client.CompleteAsync(authorization, V1Client.Ask(maxTokens: 50_000));

        var challenge = await Buyer.ReadChallengeAsync(refused);
        Assert.Equal("payment_required", challenge.Body.GetProperty("error").Str("code"));
        Assert.True(challenge.Body.GetProperty("error").GetProperty("payment").GetProperty("price_sats").GetInt64() > 100);
        Assert.Equal(100, (await factory.SessionAsync(sessionId)).BalanceSats);
        await client.PayAsync(challenge.PaymentHash);
        Assert.Equal(HttpStatusCode.OK, (await client.CompleteAsync(authorization, V1Client.Ask(maxTokens: 50_000))).StatusCode);
    }

    [Fact]
    public async Task Thirty_concurrent_completions_on_one_credential_never_overdraw_it()
    {
        var (factory, client) = Start(bundle: 100);
        var (authorization, sessionId) = await client.BuyKeyAsync(factory);

        var responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => client.CompleteAsync(authorization, V1Client.Ask(maxTokens: 1024))));

        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.PaymentRequired }));
        var served = responses.Where(r => r.StatusCode == HttpStatusCode.OK).ToList();
        Assert.NotEmpty(served);
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.PaymentRequired);
        var session = await factory.SessionAsync(sessionId);
        Assert.InRange(session.BalanceSats, 0, 100);
        Assert.Equal(0, session.ReservedSats);
        Assert.Equal(100 - served.Sum(r => r.Header(MeteredCall.CostHeader)), session.BalanceSats);
        Assert.Equal(session.BalanceSats, await factory.LedgerSumAsync(sessionId));
    }

    [Fact]
    public async Task Images_are_priced_per_image_and_returned_as_b64_json()
    {
        var (factory, client) = Start(settings: new() { ["Chat:ImagePriceSats"] = "30" });
        var (authorization, sessionId) = await client.BuyKeyAsync(factory);

        var response = await client.SendAsync(HttpMethod.Post, V1Client.Images, authorization,
            new { prompt = "A lighthouse at dusk", n = 2, size = "256x256", response_format = "b64_json" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var images = (await response.ReadJsonAsync()).GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(2, images.Count);
        Assert.All(images, i => Assert.Equal(0x89, Convert.FromBase64String(i.Str("b64_json"))[0]));
        Assert.Equal(60, response.Header(MeteredCall.CostHeader));
        Assert.Equal(940, response.Header(MeteredCall.BalanceHeader));
        Assert.Equal(940, (await factory.SessionAsync(sessionId)).BalanceSats);
    }

    public void Dispose()
    {
        foreach (var factory in _factories)
        {
            factory.Dispose();
        }
    }
}
