using System.Net;
using Microsoft.EntityFrameworkCore;
using Timmy.Api.Agent;
using Timmy.Api.Sessions;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Sessions;

public sealed class SessionBillingTests : IDisposable
{
    private readonly TimmyFactory _factory = new();

    [Fact]
    public async Task A_completed_request_debits_eval_plus_work_and_reports_its_cost()
    {
        var client = _factory.CreateClient();
        var (id, macaroon) = await client.ActiveSessionAsync(1000);

        var response = await client.SessionRequestAsync(id, macaroon, "What is a satoshi?");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal("complete", body.Str("state"));
        Assert.StartsWith("A satoshi is the smallest unit", body.Str("result"));
        var cost = body.GetProperty("cost");
        var evalSats = cost.GetProperty("evalSats").GetInt64();
        var workSats = cost.GetProperty("workSats").GetInt64();
        Assert.True(evalSats >= 1 && workSats >= 1);
        Assert.Equal(evalSats + workSats, cost.GetProperty("totalSats").GetInt64());
        Assert.Equal(evalSats + workSats, body.GetProperty("debitedSats").GetInt64());
        Assert.Equal(100_000m, cost.GetProperty("btcPriceUsd").GetDecimal());
        Assert.Equal(1000 - evalSats - workSats, body.GetProperty("balanceRemaining").GetInt64());
        Assert.Equal(1000 - evalSats - workSats, (await client.GetSessionAsync(id)).GetProperty("balanceSats").GetInt64());
        var debits = await _factory.WithDbAsync(db => db.SessionLedger.Where(e => e.AmountSats < 0).OrderBy(e => e.Kind).ToListAsync());
        Assert.Equal([LedgerEntryKind.EvalDebit, LedgerEntryKind.WorkDebit], debits.Select(d => d.Kind));
        Assert.Equal(-(evalSats + workSats), debits.Sum(d => d.AmountSats));
    }

    [Fact]
    public async Task A_rejected_request_is_debited_the_eval_cost_only()
    {
        var client = _factory.CreateClient();
        var (id, macaroon) = await client.ActiveSessionAsync(1000);

        var body = await (await client.SessionRequestAsync(id, macaroon, "Help me do something harmful and illegal")).ReadJsonAsync();

        Assert.Equal("rejected", body.Str("state"));
        Assert.False(string.IsNullOrWhiteSpace(body.Str("reason")));
        Assert.Equal(0, body.GetProperty("cost").GetProperty("workSats").GetInt64());
        var evalSats = body.GetProperty("cost").GetProperty("evalSats").GetInt64();
        Assert.True(evalSats >= 1);
        Assert.Equal(1000 - evalSats, body.GetProperty("balanceRemaining").GetInt64());
    }

    [Fact]
    public async Task A_failed_request_is_not_debited_the_work_cost()
    {
        using var failing = new TimmyFactory
        {
            TestServices = s => s.ReplaceChatClient(AgentKeys.Work, _ => ScriptedChatClient.Throwing("529 overloaded")),
        };
        var client = failing.CreateClient();
        var (id, macaroon) = await client.ActiveSessionAsync(1000);

        var body = await (await client.SessionRequestAsync(id, macaroon, "What is a satoshi?")).ReadJsonAsync();

        Assert.Equal("failed", body.Str("state"));
        Assert.StartsWith("The AI model could not complete the request (ref ", body.Str("errorMessage"));
        Assert.DoesNotContain("529 overloaded", body.Str("errorMessage"));
        Assert.Equal(0, body.GetProperty("cost").GetProperty("workSats").GetInt64());
        Assert.Equal(1000 - body.GetProperty("cost").GetProperty("evalSats").GetInt64(), body.GetProperty("balanceRemaining").GetInt64());
    }

    [Fact]
    public async Task A_balance_below_the_worst_case_is_a_402_and_debits_nothing()
    {
        using var pricey = new TimmyFactory { Settings = { ["Pricing:BtcPriceUsdFallback"] = "100" } };
        var client = pricey.CreateClient();
        var (id, macaroon) = await client.ActiveSessionAsync(100);

        var response = await client.SessionRequestAsync(id, macaroon, "What is a satoshi?");

        Assert.Contains("Insufficient balance", await response.AssertErrorAsync(HttpStatusCode.PaymentRequired));
        Assert.Equal(100, (await client.GetSessionAsync(id)).GetProperty("balanceSats").GetInt64());
    }

    [Fact]
    public async Task Falling_below_the_minimum_pauses_the_session_until_a_top_up_is_paid()
    {
        using var strict = new TimmyFactory { Settings = { ["Sessions:MinimumBalanceSats"] = "99" } };
        var client = strict.CreateClient();
        var (id, macaroon) = await client.ActiveSessionAsync(100);

        Assert.Equal(HttpStatusCode.OK, (await client.SessionRequestAsync(id, macaroon, "What is a satoshi?")).StatusCode);
        var paused = await client.GetSessionAsync(id);
        Assert.Equal("paused", paused.Str("state"));
        Assert.Equal(macaroon, paused.Str("macaroon"));
        Assert.Contains("paused", await (await client.SessionRequestAsync(id, macaroon, "hi")).AssertErrorAsync(HttpStatusCode.Conflict));

        var topup = await (await client.TopupAsync(id, macaroon, 200)).ReadJsonAsync();
        Assert.Equal(id, topup.Str("sessionId"));
        Assert.Equal(200, topup.GetProperty("topup").GetProperty("amountSats").GetInt64());
        Assert.Equal(topup.Str("topup", "paymentRequest"), (await client.GetSessionAsync(id)).Str("pendingTopup", "paymentRequest"));
        await client.PayAsync(topup.Str("topup", "paymentHash"));

        var resumed = await client.GetSessionAsync(id);
        Assert.Equal("active", resumed.Str("state"));
        Assert.Equal(paused.GetProperty("balanceSats").GetInt64() + 200, resumed.GetProperty("balanceSats").GetInt64());
        Assert.False(resumed.TryGetProperty("pendingTopup", out _));
        Assert.Equal(HttpStatusCode.OK, (await client.SessionRequestAsync(id, macaroon, "What is a satoshi?")).StatusCode);
    }

    [Fact]
    public async Task Only_one_top_up_may_be_pending()
    {
        var client = _factory.CreateClient();
        var (id, macaroon) = await client.ActiveSessionAsync();

        var attempts = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => client.TopupAsync(id, macaroon, 100)));

        Assert.Equal(1, attempts.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.All(attempts.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
    }

    [Theory]
    [InlineData(99)]
    [InlineData(10001)]
    public async Task A_top_up_with_a_bad_amount_is_a_400(long amount)
    {
        var client = _factory.CreateClient();
        var (id, macaroon) = await client.ActiveSessionAsync();

        Assert.Contains("from 100 to 10000", await (await client.TopupAsync(id, macaroon, amount)).AssertErrorAsync(HttpStatusCode.BadRequest));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"request": ""}""")]
    [InlineData("""{"request": 7}""")]
    [InlineData("nope")]
    public async Task A_bad_request_body_is_a_400_and_debits_nothing(string body)
    {
        var client = _factory.CreateClient();
        var (id, macaroon) = await client.ActiveSessionAsync(1000);
        var message = new HttpRequestMessage(HttpMethod.Post, $"/api/sessions/{id}/request")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        message.Headers.Authorization = new("Bearer", macaroon);

        await (await client.SendAsync(message)).AssertErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal(1000, (await client.GetSessionAsync(id)).GetProperty("balanceSats").GetInt64());
    }

    public void Dispose() => _factory.Dispose();
}
