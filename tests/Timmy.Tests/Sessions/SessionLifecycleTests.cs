using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Timmy.Api.Sessions;
using Timmy.Macaroons;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Sessions;

public sealed class SessionLifecycleTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
    private readonly TimmyFactory _factory;

    public SessionLifecycleTests()
    {
        _factory = new TimmyFactory { TestServices = s => s.AddSingleton<TimeProvider>(_clock) };
    }

    [Fact]
    public async Task Creating_a_session_returns_201_awaiting_payment_with_a_deposit_invoice()
    {
        var response = await _factory.CreateClient().PostAsJsonAsync("/api/sessions", new { amount_sats = 500 });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.True(Guid.TryParse(body.Str("sessionId"), out _));
        Assert.Equal("awaiting_payment", body.Str("state"));
        Assert.Equal(500, body.GetProperty("invoice").GetProperty("amountSats").GetInt64());
        var hash = body.Str("invoice", "paymentHash");
        Assert.Equal($"lnbcrt500u1stub_{hash[..16]}", body.Str("invoice", "paymentRequest"));
    }

    [Theory]
    [InlineData("500.0")]
    [InlineData("5e2")]
    [InlineData("5E+2")]
    [InlineData("500.000")]
    public async Task An_amount_spelled_with_a_zero_fraction_or_an_exponent_is_that_whole_number(string amount)
    {
        // JSON Schema's integer, the contract's type for amount_sats, is any number without a fractional part.
        var response = await _factory.CreateClient().PostRawAsync("/api/sessions", $$"""{"amount_sats": {{amount}}}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(500, (await response.ReadJsonAsync()).GetProperty("invoice").GetProperty("amountSats").GetInt64());
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"amount_sats": 99}""")]
    [InlineData("""{"amount_sats": 10001}""")]
    [InlineData("""{"amount_sats": "500"}""")]
    [InlineData("""{"amount_sats": 500.5}""")]
    [InlineData("""{"amount_sats": 5.005e2}""")]
    [InlineData("""{"amount_sats": 1e-7}""")]
    [InlineData("""{"amount_sats": null}""")]
    [InlineData("""{"amount_sats": true}""")]
    [InlineData("""{"amount_sats": -500}""")]
    [InlineData("""{"amount_sats": 1e100}""")]
    [InlineData("""{"amount": 500}""")]
    public async Task A_missing_non_integer_or_out_of_range_amount_is_a_400_naming_the_range(string body)
    {
        var response = await _factory.CreateClient().PostRawAsync("/api/sessions", body);

        Assert.Contains("from 100 to 10000", await response.AssertErrorAsync(HttpStatusCode.BadRequest));
        Assert.Equal(0, await _factory.WithDbAsync(db => db.Sessions.CountAsync()));
    }

    [Fact]
    public async Task An_unpaid_session_shows_its_invoice_and_no_macaroon()
    {
        var client = _factory.CreateClient();
        var created = await client.CreateSessionAsync(500);

        var session = await client.GetSessionAsync(created.Str("sessionId"));

        Assert.Equal("awaiting_payment", session.Str("state"));
        Assert.Equal(0, session.GetProperty("balanceSats").GetInt64());
        Assert.Equal(created.Str("invoice", "paymentRequest"), session.Str("invoice", "paymentRequest"));
        Assert.False(session.TryGetProperty("macaroon", out _));
        Assert.Equal("2026-11-23T12:00:00.000Z", session.Str("expiresAt"));
    }

    [Fact]
    public async Task Paying_the_deposit_activates_the_session_with_its_balance_and_a_macaroon()
    {
        var client = _factory.CreateClient();
        var created = await client.CreateSessionAsync(500);
        await client.PayAsync(created.Str("invoice", "paymentHash"));

        var session = await client.GetSessionAsync(created.Str("sessionId"));

        Assert.Equal("active", session.Str("state"));
        Assert.Equal(500, session.GetProperty("balanceSats").GetInt64());
        Assert.Equal(50, session.GetProperty("minimumBalanceSats").GetInt64());
        Assert.False(session.TryGetProperty("invoice", out _));
        var macaroon = Macaroon.Deserialize(session.Str("macaroon"));
        Assert.Contains(created.Str("sessionId").Replace("-", ""), macaroon.IdentifierText);
        Assert.Equal($"session = {created.Str("sessionId").Replace("-", "")}", Assert.Single(macaroon.Caveats).IdentifierText);
    }

    [Fact]
    public async Task The_deposit_is_credited_once_however_many_pollers_see_it_paid()
    {
        var client = _factory.CreateClient();
        var created = await client.CreateSessionAsync(500);
        await client.PayAsync(created.Str("invoice", "paymentHash"));

        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => client.GetSessionAsync(created.Str("sessionId"))));

        Assert.Equal(500, (await client.GetSessionAsync(created.Str("sessionId"))).GetProperty("balanceSats").GetInt64());
        Assert.Equal(1, await _factory.WithDbAsync(db => db.SessionLedger.CountAsync()));
    }

    [Theory]
    [InlineData("does-not-exist")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    public async Task An_unknown_session_is_a_404(string id)
    {
        var client = _factory.CreateClient();

        Assert.Equal("Session not found", await (await client.GetAsync($"/api/sessions/{id}")).AssertErrorAsync(HttpStatusCode.NotFound));
        await (await client.SessionRequestAsync(id, "x", "hi")).AssertErrorAsync(HttpStatusCode.NotFound);
        await (await client.TopupAsync(id, "x", 100)).AssertErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_top_up_whose_invoice_lapsed_unpaid_is_replaced_by_the_next_request()
    {
        var client = _factory.CreateClient();
        var (id, macaroon) = await client.ActiveSessionAsync(1000);
        var lapsed = await (await client.TopupAsync(id, macaroon, 200)).ReadJsonAsync();
        Assert.Contains("pay it first", await (await client.TopupAsync(id, macaroon, 300)).AssertErrorAsync(HttpStatusCode.Conflict));

        _clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1)); // the top-up invoice's hour is up, unpaid
        var response = await client.TopupAsync(id, macaroon, 300);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var replacement = await response.ReadJsonAsync();
        Assert.NotEqual(lapsed.Str("topup", "paymentHash"), replacement.Str("topup", "paymentHash"));
        Assert.Equal(replacement.Str("topup", "paymentRequest"), (await client.GetSessionAsync(id)).Str("pendingTopup", "paymentRequest"));
        await client.PayAsync(replacement.Str("topup", "paymentHash"));
        Assert.Equal(1300, (await client.GetSessionAsync(id)).GetProperty("balanceSats").GetInt64());
    }

    [Fact]
    public async Task A_replaced_top_up_paid_late_is_still_credited_and_the_new_one_stays_pending()
    {
        var client = _factory.CreateClient();
        var (id, macaroon) = await client.ActiveSessionAsync(1000);
        var lapsed = await (await client.TopupAsync(id, macaroon, 200)).ReadJsonAsync();
        _clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        var replacement = await (await client.TopupAsync(id, macaroon, 300)).ReadJsonAsync();

        // The node reports a payment of the replaced invoice after all (one settled in its last moments, say).
        await client.PayAsync(lapsed.Str("topup", "paymentHash"));
        var session = await client.GetSessionAsync(id);

        Assert.Equal(1200, session.GetProperty("balanceSats").GetInt64());
        Assert.Equal(replacement.Str("topup", "paymentRequest"), session.Str("pendingTopup", "paymentRequest"));
        await client.PayAsync(replacement.Str("topup", "paymentHash"));
        Assert.Equal(1500, (await client.GetSessionAsync(id)).GetProperty("balanceSats").GetInt64());
        var topups = await _factory.WithDbAsync(db => db.SessionLedger.Where(e => e.Kind == LedgerEntryKind.Topup).Select(e => e.AmountSats).ToListAsync());
        Assert.Equal([200, 300], topups.Order());
    }

    [Fact]
    public async Task A_session_idle_for_24_hours_expires_and_refuses_requests_with_410()
    {
        var client = _factory.CreateClient();
        var (id, macaroon) = await client.ActiveSessionAsync();

        _clock.Advance(TimeSpan.FromHours(24));

        Assert.Equal("expired", (await client.GetSessionAsync(id)).Str("state"));
        await (await client.SessionRequestAsync(id, macaroon, "What is a satoshi?")).AssertErrorAsync(HttpStatusCode.Gone);
    }

    [Fact]
    public async Task Activity_pushes_expiry_back()
    {
        var client = _factory.CreateClient();
        var (id, macaroon) = await client.ActiveSessionAsync();

        _clock.Advance(TimeSpan.FromHours(23));
        Assert.Equal(HttpStatusCode.OK, (await client.SessionRequestAsync(id, macaroon, "What is a satoshi?")).StatusCode);
        _clock.Advance(TimeSpan.FromHours(23));

        var session = await client.GetSessionAsync(id);
        Assert.Equal("active", session.Str("state"));
        Assert.Equal("2026-11-24T11:00:00.000Z", session.Str("expiresAt"));
    }

    [Fact]
    public async Task An_unpaid_session_refuses_requests_with_409()
    {
        var client = _factory.CreateClient();
        var created = await client.CreateSessionAsync(500);
        var macaroon = await _factory.Services.GetRequiredService<SessionMacaroons>().IssueAsync(Guid.Parse(created.Str("sessionId")), default);

        var response = await client.SessionRequestAsync(created.Str("sessionId"), macaroon, "What is a satoshi?");

        Assert.Contains("awaiting its deposit", await response.AssertErrorAsync(HttpStatusCode.Conflict));
    }

    public void Dispose() => _factory.Dispose();
}
