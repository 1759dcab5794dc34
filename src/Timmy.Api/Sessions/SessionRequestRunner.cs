using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Timmy.Api.Agent;
using Timmy.Api.Data;
using Timmy.Api.Errors;
using Timmy.Api.Pricing;

namespace Timmy.Api.Sessions;

public sealed record SessionRunResult(SessionRequest Request, long BalanceRemaining, decimal BtcPriceUsd);

public enum SessionRefusal
{
    SessionNotFound,
    AwaitingDeposit,
    Paused,
    Expired,
    InsufficientBalance,
}

/// <summary>A request's end: it ran (<see cref="Run"/>), or it was refused before anything was reserved, and why (and what it may cost).</summary>
public sealed record SessionSubmission(SessionRunResult? Run, SessionRefusal Refusal = default, string? Message = null, long WorstCaseSats = 0);

/// <summary>
/// Runs one request against a session's balance in three steps, so the balance can never go negative:
/// reserve the worst case (a conditional UPDATE that fails when the balance is short), run eval and work,
/// then settle: debit the actual cost through ledger entries and release the rest of the reservation.
/// </summary>
public sealed partial class SessionRequestRunner(
    TimmyDbContext db,
    IJobAgent agent,
    SessionCosts costs,
    IBtcPriceOracle oracle,
    IOptions<SessionsOptions> options,
    TimeProvider clock,
    SessionAdvancer advancer,
    PublicFailures failures,
    ILogger<SessionRequestRunner> logger)
{
    /// <summary>Runs the request if the session, brought up to date, is active and its balance covers the worst case.</summary>
    public async Task<SessionSubmission> SubmitAsync(Guid sessionId, string request, CancellationToken cancellationToken)
    {
        var session = await advancer.AdvanceAsync(sessionId, cancellationToken);
        if (session is null)
        {
            return new(null, SessionRefusal.SessionNotFound, SessionsApi.SessionNotFound);
        }

        if (NotActive(session.State) is { } inactive)
        {
            return inactive;
        }

        if (await RunAsync(sessionId, request, cancellationToken) is { } run)
        {
            return new(run);
        }

        // The reservation failed: either the session changed state meanwhile, or the balance is short.
        var now = (await advancer.AdvanceAsync(sessionId, cancellationToken))!;
        var worstCase = await WorstCaseSatsAsync(request, cancellationToken);
        return NotActive(now.State) ?? new(null, SessionRefusal.InsufficientBalance,
            $"Insufficient balance: this request may cost up to {worstCase} sats " +
            $"and the balance is {now.BalanceSats} sats. Top up the session to continue.", worstCase);
    }

    private static SessionSubmission? NotActive(SessionState state) => state switch
    {
        SessionState.Active => null,
        SessionState.Expired => new(null, SessionRefusal.Expired, "Session expired after 24 hours without activity"),
        SessionState.Paused => new(null, SessionRefusal.Paused, "Session is paused: its balance is below the minimum. Top up to resume."),
        _ => new(null, SessionRefusal.AwaitingDeposit, "Session is awaiting its deposit payment"),
    };

    /// <summary>Null when the session is not active or its balance cannot cover the worst case.</summary>
    private async Task<SessionRunResult?> RunAsync(Guid sessionId, string request, CancellationToken cancellationToken)
    {
        var btcPrice = await oracle.GetBtcPriceUsdAsync(cancellationToken);
        var reserved = costs.WorstCaseSats(request, btcPrice);
        var record = await ReserveAsync(sessionId, request, reserved, cancellationToken);
        if (record is null)
        {
            return null;
        }

        // Past this point the reservation must be settled, so the model calls ignore the client hanging up.
        await RunModelsAsync(record, request, reserved, btcPrice, CancellationToken.None);
        var balance = await SettleAsync(record, reserved, CancellationToken.None);
        return new SessionRunResult(record, balance, btcPrice);
    }

    /// <summary>The worst case this request would reserve now, for the 402 message.</summary>
    private async Task<long> WorstCaseSatsAsync(string request, CancellationToken cancellationToken) =>
        costs.WorstCaseSats(request, await oracle.GetBtcPriceUsdAsync(cancellationToken));

    private async Task<SessionRequest?> ReserveAsync(Guid sessionId, string request, long reserved, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await Session.Reserve(reserved).ApplyAsync(db, sessionId, cancellationToken))
        {
            return null;
        }

        var record = new SessionRequest
        {
            Id = Guid.NewGuid(),
            SessionId = sessionId,
            Request = request,
            Outcome = SessionRequestOutcome.Running,
            ReservedSats = reserved,
            CreatedAt = clock.GetUtcNow(),
        };
        db.SessionRequests.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return record;
    }

    private async Task RunModelsAsync(SessionRequest record, string request, long reserved, decimal btcPrice, CancellationToken cancellationToken)
    {
        try
        {
            var evaluation = await agent.EvaluateAsync(request, cancellationToken);
            record.EvalInputTokens = evaluation.Usage.InputTokens;
            record.EvalOutputTokens = evaluation.Usage.OutputTokens;
            record.EvalSats = Math.Min(reserved, costs.EvalSats(evaluation.Usage, btcPrice));
            if (!evaluation.Accepted)
            {
                record.Outcome = SessionRequestOutcome.Rejected;
                record.Reason = evaluation.Reason;
                return;
            }

            var output = await agent.WorkAsync(request, cancellationToken);
            record.WorkInputTokens = output.Usage.InputTokens;
            record.WorkOutputTokens = output.Usage.OutputTokens;
            // A model that overruns its allowance is charged no more than was reserved.
            record.WorkSats = Math.Min(reserved - record.EvalSats, costs.WorkSats(output.Usage, btcPrice));
            record.Outcome = SessionRequestOutcome.Complete;
            record.Result = output.Text;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A failed call is not charged; an eval that succeeded before the work failed still is.
            LogRequestFailed(ex, record.SessionId);
            record.Outcome = SessionRequestOutcome.Failed;
            record.ErrorMessage = ex is AgentException agent && agent.IsInTimmysWords()
                ? agent.Message
                : failures.Describe(ex is AgentException ? "The AI model could not complete the request" : "Internal error while processing the request", ex);
        }
    }

    /// <summary>Debits the actual cost and releases the rest of the reservation, in one transaction. Returns the new balance.</summary>
    private async Task<long> SettleAsync(SessionRequest record, long reserved, CancellationToken cancellationToken)
    {
        var debited = record.EvalSats + record.WorkSats;
        var released = reserved - debited;
        var now = clock.GetUtcNow();
        db.Entry(record).State = EntityState.Detached;

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Settle only a reservation still held: one released as abandoned (see SessionReservations) is not charged twice.
        var settled = await db.SessionRequests
            .Where(r => r.Id == record.Id && r.Outcome == SessionRequestOutcome.Running)
            .ExecuteUpdateAsync(set => set
                .SetProperty(r => r.Outcome, record.Outcome)
                .SetProperty(r => r.Result, record.Result)
                .SetProperty(r => r.Reason, record.Reason)
                .SetProperty(r => r.ErrorMessage, record.ErrorMessage)
                .SetProperty(r => r.EvalInputTokens, record.EvalInputTokens)
                .SetProperty(r => r.EvalOutputTokens, record.EvalOutputTokens)
                .SetProperty(r => r.WorkInputTokens, record.WorkInputTokens)
                .SetProperty(r => r.WorkOutputTokens, record.WorkOutputTokens)
                .SetProperty(r => r.EvalSats, record.EvalSats)
                .SetProperty(r => r.WorkSats, record.WorkSats)
                .SetProperty(r => r.SettledAt, now), cancellationToken) == 1;
        if (settled)
        {
            AddDebit(record, LedgerEntryKind.EvalDebit, record.EvalSats, now);
            AddDebit(record, LedgerEntryKind.WorkDebit, record.WorkSats, now);
            await db.SaveChangesAsync(cancellationToken);
            await Session.Settle(reserved, released, options.Value.MinimumBalanceSats, now).ApplyAsync(db, record.SessionId, cancellationToken);
        }
        else
        {
            record.EvalSats = 0;
            record.WorkSats = 0;
        }

        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return await db.Sessions.Where(s => s.Id == record.SessionId).Select(s => s.BalanceSats).SingleAsync(cancellationToken);
    }

    private void AddDebit(SessionRequest record, LedgerEntryKind kind, long sats, DateTimeOffset now)
    {
        if (sats > 0)
        {
            db.SessionLedger.Add(new SessionLedgerEntry
            {
                SessionId = record.SessionId, Kind = kind, AmountSats = -sats, RequestId = record.Id, CreatedAt = now,
            });
        }
    }

    [LoggerMessage(LogLevel.Warning, "A request on session {SessionId} failed")]
    private partial void LogRequestFailed(Exception ex, Guid sessionId);
}
