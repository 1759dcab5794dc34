using Microsoft.EntityFrameworkCore;
using Timmy.Api.Credentials;
using Timmy.Api.Data;
using Timmy.Api.Errors;
using Timmy.Api.Web.OpenApi;

namespace Timmy.Api.Sessions;

/// <summary>The session a verified macaroon lets a request act on.</summary>
public sealed record SessionPrincipal(Guid SessionId);

/// <summary>
/// Admits a request on <c>/api/sessions/{id}/…</c> only with that session's macaroon, in three steps that other
/// credentials can follow: read the credential (<see cref="BearerCredential"/>), verify it for the session in the route
/// (<see cref="SessionMacaroons"/>), attach the <see cref="SessionPrincipal"/> for the handler. A session that does not
/// exist is a 404 before any credential is looked at; a credential that does not verify is a 401.
/// </summary>
public sealed class SessionCredentialFilter(SessionMacaroons macaroons, TimmyDbContext db) : IEndpointFilter
{
    public const string MissingMacaroon = "Missing macaroon: send 'Authorization: Bearer <macaroon>'";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var cancellationToken = http.RequestAborted;
        if (!Guid.TryParse(http.GetRouteValue("id") as string, out var sessionId)
            || !await db.Sessions.AnyAsync(s => s.Id == sessionId, cancellationToken))
        {
            return ApiErrors.NotFound(SessionsApi.SessionNotFound);
        }

        var macaroon = BearerCredential.From(http.Request);
        var rejection = macaroon is null ? MissingMacaroon : await macaroons.RejectionAsync(macaroon, sessionId, cancellationToken);
        if (rejection is not null)
        {
            return ApiErrors.Status(StatusCodes.Status401Unauthorized, rejection);
        }

        http.AttachPrincipal(new SessionPrincipal(sessionId));
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
