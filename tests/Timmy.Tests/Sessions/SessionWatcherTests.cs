using Microsoft.EntityFrameworkCore;
using Timmy.Api.Sessions;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Sessions;

/// <summary>The invoice watcher credits a paid deposit without anyone polling the session.</summary>
public sealed class SessionWatcherTests : IDisposable
{
    private readonly TimmyFactory _factory = new();

    [Fact]
    public async Task A_paid_deposit_activates_the_session_with_no_client_poll()
    {
        var client = _factory.CreateClient();
        var created = await client.CreateSessionAsync(500);
        var sessionId = Guid.Parse(created.Str("sessionId"));

        await client.PayAsync(created.Str("invoice", "paymentHash"));

        Session? session = null;
        for (var i = 0; i < 200 && session?.State != SessionState.Active; i++)
        {
            await Task.Delay(20);
            session = await _factory.WithDbAsync(db => db.Sessions.AsNoTracking().SingleAsync(s => s.Id == sessionId));
        }

        Assert.Equal(SessionState.Active, session?.State);
        Assert.Equal(500, session!.BalanceSats);
    }

    public void Dispose() => _factory.Dispose();
}
