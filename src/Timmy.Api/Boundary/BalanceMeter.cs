using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Timmy.Api.Data;
using Timmy.Api.Sessions;

namespace Timmy.Api.Boundary;

/// <summary>A request's worst case, held back from its balance until it settles.</summary>
public sealed record MeterReservation(Guid RequestId, Guid SessionId, long ReservedSats);

/// <summary>
/// Metering for paid surfaces (chat, images, and the /v1 routes to come) on a session's balance: reserve the worst
/// case with one conditional update (so concurrent requests, on any instance, never overdraw), run, then settle the
/// real cost with a <see cref="LedgerEntryKind.UsageDebit"/> and give back the rest. Each reservation is a
/// <see cref="SessionRequest"/> row, so one whose process died is given back by <see cref="SessionReservations"/>.
/// </summary>
public sealed class BalanceMeter(TimmyDbContext db, IOptions<SessionsOptions> options, SessionReservations reservations, TimeProvider clock)
{
    /// <summary>The token a call runs under: the client's, and for a call with a reservation its time limit too.</summary>
    public MeterDeadline Deadline(MeterReservation? reservation, CancellationToken requestAborted) =>
        new(reservation is null ? null : reservations.RunLimit, clock, requestAborted);

    /// <summary>Null when the balance is not active or cannot cover <paramref name="sats"/>.</summary>
    public async Task<MeterReservation?> ReserveAsync(Guid sessionId, string what, long sats, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await Session.Reserve(sats).ApplyAsync(db, sessionId, cancellationToken))
        {
            return null;
        }

        var record = new SessionRequest
        {
            Id = Guid.NewGuid(), SessionId = sessionId, Request = what, Outcome = SessionRequestOutcome.Running,
            ReservedSats = sats, CreatedAt = clock.GetUtcNow(),
        };
        db.SessionRequests.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return new MeterReservation(record.Id, sessionId, sats);
    }

    /// <summary>Debits <paramref name="costSats"/> (never more than was reserved) and releases the rest. Returns the balance left.</summary>
    public async Task<long> SettleAsync(MeterReservation reservation, long costSats, string? failure)
    {
        var cost = Math.Clamp(costSats, 0, reservation.ReservedSats);
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        // Only a reservation still held: one given back as abandoned is not charged.
        var settled = await db.SessionRequests
            .Where(r => r.Id == reservation.RequestId && r.Outcome == SessionRequestOutcome.Running)
            .ExecuteUpdateAsync(set => set
                .SetProperty(r => r.Outcome, failure is null ? SessionRequestOutcome.Complete : SessionRequestOutcome.Failed)
                .SetProperty(r => r.ErrorMessage, failure)
                .SetProperty(r => r.WorkSats, cost)
                .SetProperty(r => r.SettledAt, now), CancellationToken.None) == 1;
        if (settled)
        {
            if (cost > 0)
            {
                db.SessionLedger.Add(new SessionLedgerEntry
                {
                    SessionId = reservation.SessionId, Kind = LedgerEntryKind.UsageDebit, AmountSats = -cost,
                    RequestId = reservation.RequestId, CreatedAt = now,
                });
                await db.SaveChangesAsync(CancellationToken.None);
            }

            await Session.Settle(reservation.ReservedSats, reservation.ReservedSats - cost, options.Value.MinimumBalanceSats, now)
                .ApplyAsync(db, reservation.SessionId, CancellationToken.None);
        }

        await transaction.CommitAsync(CancellationToken.None);
        db.ChangeTracker.Clear();
        return await db.Sessions.Where(s => s.Id == reservation.SessionId).Select(s => s.BalanceSats).SingleAsync(CancellationToken.None);
    }
}
