using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Timmy.Api.Data;
using Timmy.Api.Errors;
using Timmy.Api.Http;
using Timmy.Api.Jobs;
using Timmy.Api.Payments;
using Timmy.Api.Web.OpenApi;

namespace Timmy.Api.Sessions;

/// <summary>Mode 2: pay once into a balance, then run many requests with the session's macaroon.</summary>
public static class SessionsApi
{
    public const string SessionNotFound = "Session not found";

    public static void MapSessionsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/sessions").WithTags("sessions");
        group.MapPost("/", CreateSessionAsync).WithName("createSession").WithSummary("Create a pre-funded session")
            .WithJsonRequestBody<CreateSessionRequest>()
            .ProducesErrors(500, 503);
        group.MapGet("/{id}", GetSessionAsync).WithName("getSession").WithSummary("Get session status");
        group.MapPost("/{id}/request", SubmitRequestAsync).WithName("submitSessionRequest").WithSummary("Submit a request against a session balance")
            .WithJsonRequestBody<SessionRequestBody>().RequiresMacaroon()
            .Produces<SessionRequestResponse>()
            .ProducesErrors(400, 401, 402, 404, 409, 410);
        group.MapPost("/{id}/topup", TopupAsync).WithName("topupSession").WithSummary("Add sats to a session")
            .WithJsonRequestBody<CreateSessionRequest>().RequiresMacaroon()
            .Produces<TopupSessionResponse>()
            .ProducesErrors(400, 401, 404, 409, 503);
        group.MapPost("/{id}/withdraw", WithdrawAsync).WithName("withdrawSession").WithSummary("Pay the session's balance out")
            .WithDescription("Pays the whole balance (active, paused or expired session) to a BOLT11 invoice for exactly that amount. " +
                "200 when paid; 202 when sent but not yet confirmed by the node (if it fails, the sats return to the balance).")
            .WithJsonRequestBody<ClaimRefundRequest>().RequiresMacaroon()
            .Produces<SessionWithdrawalResponse>()
            .Produces<SessionWithdrawalResponse>(StatusCodes.Status202Accepted)
            .ProducesErrors(400, 401, 404, 409, 500);
        group.MapGet("/{id}/withdrawals", ListWithdrawalsAsync).WithName("listSessionWithdrawals").WithSummary("List the session's withdrawals")
            .RequiresMacaroon()
            .Produces<SessionWithdrawalsResponse>()
            .ProducesErrors(401, 404);
    }

    private static async Task<Results<Created<CreateSessionResponse>, BadRequest<ApiError>, JsonHttpResult<ApiError>>> CreateSessionAsync(
        HttpRequest http, TimmyDbContext db, IPaymentBackend payments, IOptions<SessionsOptions> options, IOptions<JobOptions> jobOptions,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var amount = await ReadAmountAsync(http, options.Value, cancellationToken);
        if (amount.Error is not null)
        {
            return ApiErrors.BadRequest(amount.Error);
        }

        var sessionId = Guid.NewGuid();
        CreatedInvoice created;
        try
        {
            created = await payments.CreateInvoiceAsync(
                new InvoiceRequest(amount.Sats, "Timmy session deposit", jobOptions.Value.InvoiceExpiry), cancellationToken);
        }
        catch (PaymentBackendException ex)
        {
            return ApiErrors.ServiceUnavailable($"Lightning backend unavailable: {ex.Message}");
        }

        var now = clock.GetUtcNow();
        var invoice = NewInvoice(sessionId, InvoiceKind.SessionDeposit, created, amount.Sats, now);
        db.Sessions.Add(new Session
        {
            Id = sessionId, State = SessionState.AwaitingPayment, CreatedAt = now, LastActivityAt = now, Invoices = [invoice],
        });
        await db.SaveChangesAsync(cancellationToken);

        var response = new CreateSessionResponse(sessionId.ToString(), SessionState.AwaitingPayment, SessionInvoiceInfo.From(invoice, payments.IsSimulated));
        return TypedResults.Created($"/api/sessions/{sessionId}", response);
    }

    private static async Task<Results<Ok<SessionStatusResponse>, NotFound<ApiError>>> GetSessionAsync(
        string id, SessionAdvancer advancer, SessionMacaroons macaroons, IPaymentBackend payments, IOptions<SessionsOptions> options,
        CancellationToken cancellationToken)
    {
        var session = Guid.TryParse(id, out var sessionId) ? await advancer.AdvanceAsync(sessionId, cancellationToken) : null;
        if (session is null)
        {
            return ApiErrors.NotFound(SessionNotFound);
        }

        var usable = session.State is SessionState.Active or SessionState.Paused;
        return TypedResults.Ok(new SessionStatusResponse(
            session.Id.ToString(),
            session.State,
            session.BalanceSats,
            options.Value.MinimumBalanceSats,
            usable ? await macaroons.IssueAsync(session.Id, cancellationToken) : null,
            advancer.ExpiresAt(session).UtcDateTime,
            session is { State: SessionState.AwaitingPayment, DepositInvoice: { } deposit } ? SessionInvoiceInfo.From(deposit, payments.IsSimulated) : null,
            session.PendingTopup is { } topup ? SessionInvoiceInfo.From(topup, payments.IsSimulated) : null));
    }

    private static async Task<IResult> SubmitRequestAsync(
        string id, HttpRequest http, SessionAdvancer advancer, SessionMacaroons macaroons, SessionRequestRunner runner,
        IOptions<JobOptions> jobOptions, CancellationToken cancellationToken)
    {
        var session = Guid.TryParse(id, out var sessionId) ? await advancer.AdvanceAsync(sessionId, cancellationToken) : null;
        if (session is null)
        {
            return ApiErrors.NotFound(SessionNotFound);
        }

        if (await macaroons.RejectionAsync(http.Headers.Authorization, sessionId, cancellationToken) is { } unauthorized)
        {
            return ApiErrors.Status(StatusCodes.Status401Unauthorized, unauthorized);
        }

        var (request, error) = await TextInput.ReadFieldAsync(
            http, "request", JobsApi.RequestRequired, jobOptions.Value.MaxRequestChars, cancellationToken);
        if (error is not null)
        {
            return ApiErrors.BadRequest(error);
        }

        if (NotActive(session.State) is { } inactive)
        {
            return inactive;
        }

        var run = await runner.RunAsync(sessionId, request!, cancellationToken);
        if (run is null)
        {
            // The reservation failed: either the session changed state meanwhile, or the balance is short.
            var now = await advancer.AdvanceAsync(sessionId, cancellationToken);
            return NotActive(now!.State) ?? ApiErrors.Status(StatusCodes.Status402PaymentRequired,
                $"Insufficient balance: this request may cost up to {await runner.WorstCaseSatsAsync(request!, cancellationToken)} sats " +
                $"and the balance is {now.BalanceSats} sats. Top up the session to continue.");
        }

        var record = run.Request;
        return TypedResults.Ok(new SessionRequestResponse(
            record.Id.ToString(),
            record.Outcome switch
            {
                SessionRequestOutcome.Complete => SessionRequestState.Complete,
                SessionRequestOutcome.Rejected => SessionRequestState.Rejected,
                _ => SessionRequestState.Failed,
            },
            record.Result,
            record.Reason,
            record.ErrorMessage,
            record.EvalSats + record.WorkSats,
            run.BalanceRemaining,
            new SessionCostBreakdown(record.EvalSats, record.WorkSats, record.EvalSats + record.WorkSats, run.BtcPriceUsd)));
    }

    private static async Task<IResult> TopupAsync(
        string id, HttpRequest http, TimmyDbContext db, SessionAdvancer advancer, SessionMacaroons macaroons, IPaymentBackend payments,
        IOptions<SessionsOptions> options, IOptions<JobOptions> jobOptions, TimeProvider clock, CancellationToken cancellationToken)
    {
        var session = Guid.TryParse(id, out var sessionId) ? await advancer.AdvanceAsync(sessionId, cancellationToken) : null;
        if (session is null)
        {
            return ApiErrors.NotFound(SessionNotFound);
        }

        if (await macaroons.RejectionAsync(http.Headers.Authorization, sessionId, cancellationToken) is { } unauthorized)
        {
            return ApiErrors.Status(StatusCodes.Status401Unauthorized, unauthorized);
        }

        var amount = await ReadAmountAsync(http, options.Value, cancellationToken);
        if (amount.Error is not null)
        {
            return ApiErrors.BadRequest(amount.Error);
        }

        if (session.State is not (SessionState.Active or SessionState.Paused))
        {
            return ApiErrors.Conflict($"Session is {Wire(session.State)}; only an active or paused session can be topped up");
        }

        // A pending top-up blocks another until it is paid or its invoice lapses; a lapsed one is replaced.
        var replaced = session.PendingTopupInvoiceId;
        if (session.PendingTopup is { } pending && pending.CreatedAt + jobOptions.Value.InvoiceExpiry > clock.GetUtcNow())
        {
            return ApiErrors.Conflict("A top-up is already pending for this session; pay it first");
        }

        CreatedInvoice created;
        try
        {
            created = await payments.CreateInvoiceAsync(
                new InvoiceRequest(amount.Sats, "Timmy session top-up", jobOptions.Value.InvoiceExpiry), cancellationToken);
        }
        catch (PaymentBackendException ex)
        {
            return ApiErrors.ServiceUnavailable($"Lightning backend unavailable: {ex.Message}");
        }

        var invoice = NewInvoice(sessionId, InvoiceKind.SessionTopup, created, amount.Sats, clock.GetUtcNow());
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Invoices.Add(invoice);
        await db.SaveChangesAsync(cancellationToken);
        // Only one top-up may be pending: the first request to fill (or refill) the slot wins.
        var claimed = await db.Sessions
            .Where(s => s.Id == sessionId && s.PendingTopupInvoiceId == replaced
                && (s.State == SessionState.Active || s.State == SessionState.Paused))
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.PendingTopupInvoiceId, invoice.Id), cancellationToken);
        if (claimed == 0)
        {
            return ApiErrors.Conflict("A top-up is already pending for this session; pay it first");
        }

        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(new TopupSessionResponse(sessionId.ToString(), SessionInvoiceInfo.From(invoice, payments.IsSimulated)));
    }

    private static async Task<IResult> WithdrawAsync(
        string id, HttpRequest http, SessionAdvancer advancer, SessionMacaroons macaroons, SessionWithdrawals withdrawals, CancellationToken cancellationToken)
    {
        var session = Guid.TryParse(id, out var sessionId) ? await advancer.AdvanceAsync(sessionId, cancellationToken) : null;
        if (session is null)
        {
            return ApiErrors.NotFound(SessionNotFound);
        }

        if (await macaroons.RejectionAsync(http.Headers.Authorization, sessionId, cancellationToken) is { } unauthorized)
        {
            return ApiErrors.Status(StatusCodes.Status401Unauthorized, unauthorized);
        }

        var (invoice, error) = await PayoutInvoices.ReadBodyAsync(http, cancellationToken);
        if (error is not null)
        {
            return ApiErrors.BadRequest(error);
        }

        var outcome = await withdrawals.WithdrawAsync(session, invoice!, cancellationToken);
        return outcome.Status switch
        {
            WithdrawalStatus.Paid => TypedResults.Ok(new SessionWithdrawalResponse(true, outcome.AmountSats, outcome.PaymentHash!, outcome.Message)),
            WithdrawalStatus.InFlight => TypedResults.Accepted((string?)null, new SessionWithdrawalResponse(false, outcome.AmountSats, outcome.PaymentHash!, outcome.Message)),
            WithdrawalStatus.InvalidInvoice => ApiErrors.BadRequest(outcome.Message),
            WithdrawalStatus.NothingToWithdraw or WithdrawalStatus.BalanceMoved or WithdrawalStatus.InvoiceUsed => ApiErrors.Conflict(outcome.Message),
            _ => ApiErrors.Status(StatusCodes.Status500InternalServerError, outcome.Message),
        };
    }

    private static async Task<IResult> ListWithdrawalsAsync(
        string id, HttpRequest http, TimmyDbContext db, SessionMacaroons macaroons, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var sessionId) || !await db.Sessions.AnyAsync(s => s.Id == sessionId, cancellationToken))
        {
            return ApiErrors.NotFound(SessionNotFound);
        }

        if (await macaroons.RejectionAsync(http.Headers.Authorization, sessionId, cancellationToken) is { } unauthorized)
        {
            return ApiErrors.Status(StatusCodes.Status401Unauthorized, unauthorized);
        }

        var withdrawals = await db.SessionWithdrawals.AsNoTracking()
            .Where(w => w.SessionId == sessionId)
            .OrderByDescending(w => w.CreatedAt)
            .Select(w => new SessionWithdrawalInfo(w.AmountSats, w.PaymentHash, w.State, w.CreatedAt, w.SettledAt))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new SessionWithdrawalsResponse(withdrawals));
    }

    private static IResult? NotActive(SessionState state) => state switch
    {
        SessionState.Active => null,
        SessionState.Expired => ApiErrors.Status(StatusCodes.Status410Gone, "Session expired after 24 hours without activity"),
        SessionState.Paused => ApiErrors.Conflict("Session is paused: its balance is below the minimum. Top up to resume."),
        _ => ApiErrors.Conflict("Session is awaiting its deposit payment"),
    };

    private static string Wire(SessionState state) => JsonSerializer.Serialize(state).Trim('"');

    private static Invoice NewInvoice(Guid sessionId, InvoiceKind kind, CreatedInvoice created, long sats, DateTimeOffset now) => new()
    {
        Id = Guid.NewGuid(),
        SessionId = sessionId,
        Kind = kind,
        PaymentHash = created.PaymentHash,
        PaymentRequest = created.PaymentRequest,
        AmountSats = sats,
        CreatedAt = now,
    };

    private readonly record struct Amount(long Sats, string? Error);

    private static async Task<Amount> ReadAmountAsync(HttpRequest http, SessionsOptions options, CancellationToken cancellationToken)
    {
        var range = $"Invalid request: 'amount_sats' must be an integer from {options.MinDepositSats} to {options.MaxDepositSats}";
        var body = await JsonBody.ReadObjectAsync(http, cancellationToken);
        if (!body.IsValid)
        {
            return new(0, body.Error);
        }

        return body.Value.TryGetProperty("amount_sats", out var value)
            && WholeNumber(value) is { } sats
            && sats >= options.MinDepositSats && sats <= options.MaxDepositSats
                ? new(sats, null)
                : new(0, range);
    }

    /// <summary>
    /// The value as a whole number, however spelled: JSON Schema's <c>integer</c> (the contract's type) counts any number
    /// with no fractional part, so <c>500</c>, <c>500.0</c> and <c>5e2</c> are all 500; null for 500.5 or a string.
    /// </summary>
    private static long? WholeNumber(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number
        && value.TryGetDecimal(out var number)
        && number == decimal.Truncate(number)
        && number is >= long.MinValue and <= long.MaxValue
            ? (long)number
            : null;
}
