using Microsoft.EntityFrameworkCore;
using Timmy.Api.Sessions;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Sessions;

/// <summary>A request interrupted by a crash leaves sats reserved; they come back, uncharged, once the reservation is stale.</summary>
public sealed class SessionReservationTests : IDisposable
{
    private readonly TimmyFactory _factory = new();

    [Fact]
    public async Task A_reservation_left_by_a_crashed_request_is_given_back()
    {
        var client = _factory.CreateClient();
        var (id, _) = await client.ActiveSessionAsync(1000);
        var sessionId = Guid.Parse(id);
        await ReserveAsync(_factory, sessionId, "interrupted", DateTimeOffset.UtcNow.AddHours(-1));

        var session = await client.GetSessionAsync(id);
        await client.GetSessionAsync(id);

        Assert.Equal(1000, session.GetProperty("balanceSats").GetInt64());
        var stored = await _factory.WithDbAsync(db => db.Sessions.SingleAsync(s => s.Id == sessionId));
        Assert.Equal(0, stored.ReservedSats);
        var request = await _factory.WithDbAsync(db => db.SessionRequests.SingleAsync(r => r.Request == "interrupted"));
        Assert.Equal(SessionRequestOutcome.Failed, request.Outcome);
        Assert.Equal(0, await _factory.WithDbAsync(db => db.SessionLedger.CountAsync(e => e.AmountSats < 0)));
    }

    [Fact]
    public async Task A_fresh_reservation_is_left_alone()
    {
        var client = _factory.CreateClient();
        var (id, _) = await client.ActiveSessionAsync(1000);
        var sessionId = Guid.Parse(id);
        await ReserveAsync(_factory, sessionId, "in flight", DateTimeOffset.UtcNow);

        Assert.Equal(960, (await client.GetSessionAsync(id)).GetProperty("balanceSats").GetInt64());
    }

    [Theory]
    [InlineData(30, false)]
    [InlineData(40, true)]
    public async Task A_request_is_presumed_interrupted_only_after_its_model_calls_could_have_ended(int minutesAgo, bool released)
    {
        // An OpenAI-compatible server may take 300 s an attempt, three attempts a call, two calls a request: 35 minutes
        // with the pauses between attempts and a minute to settle, well past the configured 15.
        using var slowModels = new TimmyFactory
        {
            Settings = { ["Agent:Provider"] = "openai", ["Agent:OpenAI:Endpoint"] = "http://127.0.0.1:9/v1" },
        };
        var client = slowModels.CreateClient();
        var (id, _) = await client.ActiveSessionAsync(1000);
        await ReserveAsync(slowModels, Guid.Parse(id), "slow", DateTimeOffset.UtcNow.AddMinutes(-minutesAgo));

        var balance = (await client.GetSessionAsync(id)).GetProperty("balanceSats").GetInt64();

        Assert.Equal(released ? 1000 : 960, balance);
    }

    private static Task<int> ReserveAsync(TimmyFactory factory, Guid sessionId, string request, DateTimeOffset createdAt) =>
        factory.WithDbAsync(async db =>
        {
            // As the runner leaves things between reserving and settling.
            db.SessionRequests.Add(new SessionRequest
            {
                Id = Guid.NewGuid(), SessionId = sessionId, Request = request, Outcome = SessionRequestOutcome.Running,
                ReservedSats = 40, CreatedAt = createdAt,
            });
            await db.SaveChangesAsync();
            return await db.Sessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(set => set
                .SetProperty(s => s.BalanceSats, s => s.BalanceSats - 40)
                .SetProperty(s => s.ReservedSats, s => s.ReservedSats + 40));
        });

    public void Dispose() => _factory.Dispose();
}
