using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Timmy.Api.Agent;
using Timmy.Api.Data;

namespace Timmy.Api.Sessions;

/// <summary>
/// Gives back reservations whose request never settled (the process died mid-request): after
/// <see cref="SessionsOptions.ReservationTimeoutSeconds"/> the request is marked failed, uncharged, and its
/// reserved sats return to the balance. The conditional update on the request makes this happen once.
/// </summary>
public sealed class SessionReservations(TimmyDbContext db, IOptions<SessionsOptions> options, IOptions<AgentOptions> agent, TimeProvider clock)
{
    /// <summary>
    /// How long a request may run before it is presumed interrupted: the configured timeout, but never less than its
    /// two model calls with all their retries and a minute to settle. A request still working when its reservation was
    /// given back would be delivered free, and the client could withdraw the sats meanwhile.
    /// </summary>
    public TimeSpan AbandonedAfter
    {
        get
        {
            var configured = TimeSpan.FromSeconds(options.Value.ReservationTimeoutSeconds);
            if (agent.Value.ProviderLimits is not { } limits)
            {
                return configured;
            }

            var longestRequest = limits.LongestCall * 2 + TimeSpan.FromMinutes(1);
            return longestRequest > configured ? longestRequest : configured;
        }
    }

    /// <summary>
    /// How long a metered call may run before it is cut (<see cref="Boundary.MeterDeadline"/>): half of
    /// <see cref="AbandonedAfter"/>, so its reservation is settled long before any instance could presume it abandoned.
    /// </summary>
    public TimeSpan RunLimit => AbandonedAfter / 2;

    public async Task ReleaseAbandonedAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var cutoff = now - AbandonedAfter;
        var abandoned = await db.SessionRequests.AsNoTracking()
            .Where(r => r.SessionId == sessionId && r.Outcome == SessionRequestOutcome.Running && r.CreatedAt <= cutoff)
            .Select(r => new { r.Id, r.ReservedSats })
            .ToListAsync(cancellationToken);

        foreach (var request in abandoned)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var released = await db.SessionRequests
                .Where(r => r.Id == request.Id && r.Outcome == SessionRequestOutcome.Running)
                .ExecuteUpdateAsync(set => set
                    .SetProperty(r => r.Outcome, SessionRequestOutcome.Failed)
                    .SetProperty(r => r.ErrorMessage, "Interrupted before it finished; nothing was charged")
                    .SetProperty(r => r.SettledAt, now), cancellationToken) == 1;
            if (released)
            {
                await Session.ReleaseAbandoned(request.ReservedSats).ApplyAsync(db, sessionId, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
    }
}
