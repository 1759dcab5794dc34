using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Timmy.Api.Boundary;
using Timmy.Api.Credentials;
using Timmy.Api.Errors;
using Timmy.Api.Http;
using Timmy.Api.Jobs;
using Timmy.Api.Payments;
using Timmy.Api.Web.OpenApi;

namespace Timmy.Api.Sessions;

/// <summary>
/// Mode 2: pay once into a balance, then run many requests with the session's macaroon. This maps the routes and
/// translates HTTP; the operations are <see cref="SessionIntake"/> (open, top up), <see cref="SessionRequestRunner"/>
/// (request) and <see cref="SessionWithdrawals"/> (withdraw).
/// </summary>
public static class SessionsApi
{
    public const string SessionNotFound = "Session not found";

    public const string WithdrawalNeedsProof =
        "A withdrawal needs proof of payment: send 'Authorization: L402 <macaroon>:<deposit preimage>' or a Payment credential; " +
        "the bearer macaroon alone spends but cannot withdraw";

    public static RouteGroupBuilder MapSessionsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/sessions").WithTags("sessions");
        group.MapPost("/", CreateSessionAsync).WithName("createSession").WithSummary("Create a pre-funded session")
            .WithJsonRequestBody<CreateSessionRequest>()
            .ProducesErrors(429, 500, 503)
            .RequireRateLimiting(ClientLimits.CreationPolicy);
        group.MapGet("/{id}", GetSessionAsync).WithName("getSession").WithSummary("Get session status");

        // Everything below acts on the balance, so it needs the session's macaroon: checked once, here.
        var owned = group.MapGroup("/{id}").RequireSessionMacaroon();
        owned.MapPost("/request", SubmitRequestAsync).WithName("submitSessionRequest").WithSummary("Submit a request against a session balance")
            .WithJsonRequestBody<SessionRequestBody>()
            .Produces<SessionRequestResponse>()
            .ProducesErrors(400, 401, 402, 404, 409, 410);
        owned.MapPost("/topup", TopupAsync).WithName("topupSession").WithSummary("Add sats to a session")
            .WithJsonRequestBody<CreateSessionRequest>()
            .Produces<TopupSessionResponse>()
            .ProducesErrors(400, 401, 404, 409, 503);
        owned.MapPost("/withdraw", WithdrawAsync).WithName("withdrawSession").WithSummary("Pay the session's balance out")
            .WithDescription("Pays the whole balance (active, paused or expired session) to a BOLT11 invoice for exactly that amount. " +
                "Needs proof of payment: L402 (the session's macaroon with its deposit's preimage) or a Payment credential; the bearer macaroon alone is a 403. " +
                "200 when paid; 202 when sent but not yet confirmed by the node (if it fails, the sats return to the balance).")
            .WithJsonRequestBody<ClaimRefundRequest>()
            .Produces<SessionWithdrawalResponse>()
            .Produces<SessionWithdrawalResponse>(StatusCodes.Status202Accepted)
            .ProducesErrors(400, 401, 403, 404, 409, 500);
        owned.MapGet("/withdrawals", ListWithdrawalsAsync).WithName("listSessionWithdrawals").WithSummary("List the session's withdrawals")
            .Produces<SessionWithdrawalsResponse>()
            .ProducesErrors(401, 404);
        return group;
    }

    private static async Task<Results<Created<CreateSessionResponse>, BadRequest<ApiError>, JsonHttpResult<ApiError>>> CreateSessionAsync(
        HttpRequest http, SessionIntake intake, IPaymentBackend payments, IOptions<SessionsOptions> options, CancellationToken cancellationToken)
    {
        var amount = await ReadAmountAsync(http, options.Value, cancellationToken);
        if (amount.Error is not null)
        {
            return ApiErrors.BadRequest(amount.Error);
        }

        var outcome = await intake.OpenAsync(amount.Sats, cancellationToken);
        if (outcome.Invoice is not { } invoice)
        {
            return ApiErrors.ServiceUnavailable(outcome.Error!);
        }

        var response = new CreateSessionResponse(outcome.SessionId.ToString(), SessionState.AwaitingPayment, SessionInvoiceInfo.From(invoice, payments.IsSimulated));
        return TypedResults.Created($"/api/sessions/{outcome.SessionId}", response);
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

    private static async Task<Results<Ok<SessionRequestResponse>, BadRequest<ApiError>, NotFound<ApiError>, Conflict<ApiError>, JsonHttpResult<ApiError>>> SubmitRequestAsync(
        HttpContext http, SessionRequestRunner runner, Challenges challenges, IOptions<JobOptions> jobOptions, CancellationToken cancellationToken)
    {
        var (request, error) = await TextInput.ReadFieldAsync(
            http.Request, "request", JobsApi.RequestRequired, jobOptions.Value.MaxRequestChars, cancellationToken);
        if (error is not null)
        {
            return ApiErrors.BadRequest(error);
        }

        var sessionId = http.Principal<SessionPrincipal>().SessionId;
        var submission = await runner.SubmitAsync(sessionId, request!, cancellationToken);
        if (submission.Run is not { } run)
        {
            if (submission.Refusal == SessionRefusal.InsufficientBalance)
            {
                // The seed's body stays as it was; the challenges beside it let a 402 client top this session up.
                await challenges.OfferAsync(http, submission.WorstCaseSats, sessionId, mayOpen: false, cancellationToken);
            }

            return submission.Refusal switch
            {
                SessionRefusal.SessionNotFound => ApiErrors.NotFound(submission.Message!),
                SessionRefusal.Expired => ApiErrors.Status(StatusCodes.Status410Gone, submission.Message!),
                SessionRefusal.InsufficientBalance => ApiErrors.Status(StatusCodes.Status402PaymentRequired, submission.Message!),
                _ => ApiErrors.Conflict(submission.Message!),
            };
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

    private static async Task<Results<Ok<TopupSessionResponse>, BadRequest<ApiError>, NotFound<ApiError>, Conflict<ApiError>, JsonHttpResult<ApiError>>> TopupAsync(
        HttpContext http, SessionIntake intake, IPaymentBackend payments, IOptions<SessionsOptions> options, CancellationToken cancellationToken)
    {
        var amount = await ReadAmountAsync(http.Request, options.Value, cancellationToken);
        if (amount.Error is not null)
        {
            return ApiErrors.BadRequest(amount.Error);
        }

        var outcome = await intake.TopupAsync(http.Principal<SessionPrincipal>().SessionId, amount.Sats, cancellationToken);
        return outcome.Status switch
        {
            SessionIntakeStatus.Invoiced => TypedResults.Ok(new TopupSessionResponse(outcome.SessionId.ToString(), SessionInvoiceInfo.From(outcome.Invoice!, payments.IsSimulated))),
            SessionIntakeStatus.SessionNotFound => ApiErrors.NotFound(outcome.Error!),
            SessionIntakeStatus.BackendUnavailable => ApiErrors.ServiceUnavailable(outcome.Error!),
            _ => ApiErrors.Conflict(outcome.Error!),
        };
    }

    private static async Task<Results<Ok<SessionWithdrawalResponse>, Accepted<SessionWithdrawalResponse>, BadRequest<ApiError>, NotFound<ApiError>, Conflict<ApiError>, JsonHttpResult<ApiError>>> WithdrawAsync(
        HttpContext http, SessionWithdrawals withdrawals, CancellationToken cancellationToken)
    {
        if (!http.Principal<SessionPrincipal>().CanWithdraw)
        {
            return ApiErrors.Status(StatusCodes.Status403Forbidden, WithdrawalNeedsProof);
        }

        var (invoice, error) = await PayoutInvoices.ReadBodyAsync(http.Request, cancellationToken);
        if (error is not null)
        {
            return ApiErrors.BadRequest(error);
        }

        var outcome = await withdrawals.WithdrawAsync(http.Principal<SessionPrincipal>().SessionId, invoice!, cancellationToken);
        return outcome.Status switch
        {
            WithdrawalStatus.Paid => TypedResults.Ok(new SessionWithdrawalResponse(true, outcome.AmountSats, outcome.PaymentHash!, outcome.Message)),
            WithdrawalStatus.InFlight => TypedResults.Accepted((string?)null, new SessionWithdrawalResponse(false, outcome.AmountSats, outcome.PaymentHash!, outcome.Message)),
            WithdrawalStatus.SessionNotFound => ApiErrors.NotFound(outcome.Message),
            WithdrawalStatus.InvalidInvoice => ApiErrors.BadRequest(outcome.Message),
            WithdrawalStatus.NothingToWithdraw or WithdrawalStatus.BalanceMoved or WithdrawalStatus.InvoiceUsed => ApiErrors.Conflict(outcome.Message),
            _ => ApiErrors.Status(StatusCodes.Status500InternalServerError, outcome.Message),
        };
    }

    private static async Task<Ok<SessionWithdrawalsResponse>> ListWithdrawalsAsync(
        HttpContext http, SessionWithdrawals withdrawals, CancellationToken cancellationToken) =>
        TypedResults.Ok(new SessionWithdrawalsResponse(await withdrawals.ListAsync(http.Principal<SessionPrincipal>().SessionId, cancellationToken)));

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
