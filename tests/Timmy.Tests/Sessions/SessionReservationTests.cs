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
        await _factory.WithDbAsync(async db =>
        {
            // As the runner leaves things between reserving and settling, an hour ago.
            db.SessionRequests.Add(new SessionRequest
            {
                Id = Guid.NewGuid(), SessionId = sessionId, Request = "interrupted", Outcome = SessionRequestOutcome.Running,
                ReservedSats = 40, CreatedAt = DateTimeOffset.UtcNow.AddHours(-1),
            });
            await db.SaveChangesAsync();
            return await db.Sessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(set => set
                .SetProperty(s => s.BalanceSats, s => s.BalanceSats - 40)
                .SetProperty(s => s.ReservedSats, s => s.ReservedSats + 40));
        });

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
        await _factory.WithDbAsync(async db =>
        {
            db.SessionRequests.Add(new SessionRequest
            {
                Id = Guid.NewGuid(), SessionId = sessionId, Request = "in flight", Outcome = SessionRequestOutcome.Running,
                ReservedSats = 40, CreatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
            return await db.Sessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(set => set
                .SetProperty(s => s.BalanceSats, s => s.BalanceSats - 40)
                .SetProperty(s => s.ReservedSats, s => s.ReservedSats + 40));
        });

        Assert.Equal(960, (await client.GetSessionAsync(id)).GetProperty("balanceSats").GetInt64());
    }

    public void Dispose() => _factory.Dispose();
}
