using Microsoft.EntityFrameworkCore;
using Timmy.Api.Boundary;
using Timmy.Api.Credentials;
using Timmy.Api.Data;
using Timmy.Api.Errors;
using Timmy.Api.Web.OpenApi;

namespace Timmy.Api.Sessions;

/// <summary>
/// The session a verified credential lets a request act on. <see cref="CanWithdraw"/>: the credential proved a payment
/// into it (L402 with a preimage, or a Payment credential), not just possession of the bearer macaroon.
/// </summary>
public sealed record SessionPrincipal(Guid SessionId, bool CanWithdraw = false);

/// <summary>
/// Admits a request on <c>/api/sessions/{id}/…</c> only with a credential for that session, in three steps: read and
/// verify it (<see cref="PaymentCredentials"/>: the bearer macaroon, L402 with the macaroon and the deposit's preimage,
/// a Payment charge of an invoice that funded it, or any Payment session action for it; a <c>close</c> here only proves,
/// the boundary's paid routes are where it closes), check it names the session in the route, attach the
/// <see cref="SessionPrincipal"/> for the handler. A session that does not exist is a 404 before any credential is
/// looked at; a credential that does not verify, or is another session's, is a 401. A credential that proves a
/// payment gets a <c>Payment-Receipt</c> on success.
/// </summary>
public sealed class SessionCredentialFilter(PaymentCredentials credentials, TimmyDbContext db, TimeProvider clock) : IEndpointFilter
{
    public const string MissingMacaroon = "Missing macaroon: send 'Authorization: Bearer <macaroon>'";
    public const string OtherSession = "Invalid macaroon: it was not issued for this session";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var cancellationToken = http.RequestAborted;
        if (!Guid.TryParse(http.GetRouteValue("id") as string, out var sessionId)
            || !await db.Sessions.AnyAsync(s => s.Id == sessionId, cancellationToken))
        {
            return ApiErrors.NotFound(SessionsApi.SessionNotFound);
        }

        var check = await credentials.CheckAsync(http.Request, cancellationToken);
        var rejection = check.IsMissing ? MissingMacaroon : check.Rejection ?? (check.Balance!.SessionId != sessionId ? OtherSession : null);
        if (rejection is not null)
        {
            return ApiErrors.Status(StatusCodes.Status401Unauthorized, rejection);
        }

        var balance = check.Balance!;
        http.AttachPrincipal(new SessionPrincipal(sessionId, balance.CanWithdraw));
        if (balance.CanWithdraw)
        {
            http.AddReceiptOnSuccess(balance, clock);
        }

        return await next(context);
    }
}

public static class SessionCredentials
{
    /// <summary>
    /// Every endpoint of the group, under <c>/{id}</c>, needs the macaroon of that session: checked by the filter, and
    /// documented in OpenAPI with the <c>id</c> the filter reads.
    /// </summary>
    public static RouteGroupBuilder RequireSessionMacaroon(this RouteGroupBuilder group) =>
        group.AddEndpointFilter<RouteGroupBuilder, SessionCredentialFilter>().RequiresMacaroon().WithPathParameter("id");
}
