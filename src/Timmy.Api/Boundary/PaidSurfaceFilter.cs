using Microsoft.Extensions.Options;
using Timmy.Api.Chat;
using Timmy.Api.Errors;
using Timmy.Api.Sessions;

namespace Timmy.Api.Boundary;

/// <summary>
/// The payment boundary: every AI surface (chat, images, and the /v1 routes) passes here, and no unpaid call reaches
/// a model. No credential: a 402 whose invoice opens a balance. A bad one: 401. A good one whose balance is used up
/// or paused: a 402 whose invoice tops it up (or opens a new one if it expired). Otherwise the balance is attached
/// for the handler, which reserves its worst case with <see cref="BalanceMeter"/> and settles the real cost.
/// <c>Chat:Free=true</c> lets everything through unpaid and unowned, as the seed did.
/// </summary>
public sealed class PaidSurfaceFilter(
    PaymentCredentials credentials, Challenges challenges, SessionAdvancer advancer, IOptions<ChatSettings> chat, TimeProvider clock)
    : IEndpointFilter
{
    public const string NotYetPaid = "The payment of this balance has not reached the node yet; retry in a moment";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (chat.Value.Free)
        {
            return await next(context);
        }

        var http = context.HttpContext;
        var cancellationToken = http.RequestAborted;
        var price = PaidOperation.Of(http)?.PriceHintSats(http.RequestServices) ?? 0;
        var check = await credentials.CheckAsync(http.Request, cancellationToken);
        if (check.IsMissing)
        {
            return await challenges.PaymentRequiredAsync(http, price,
                "Payment required: pay the invoice, then send 'Authorization: L402 <macaroon>:<preimage>' or a Payment credential", null, cancellationToken);
        }

        if (check.Balance is not { } balance)
        {
            return Error(http, StatusCodes.Status401Unauthorized, check.Rejection!);
        }

        if (balance.Closes)
        {
            return await http.RequestServices.GetRequiredService<PaymentSessionClose>().CloseAsync(http, balance, cancellationToken);
        }

        var session = await advancer.AdvanceAsync(balance.SessionId, cancellationToken);
        switch (session?.State)
        {
            case SessionState.Active:
                http.AttachBalance(balance);
                http.AddReceiptOnSuccess(balance, clock);
                return await next(context);
            case SessionState.AwaitingPayment:
                return Error(http, StatusCodes.Status402PaymentRequired, NotYetPaid);
            case SessionState.Paused:
                return await challenges.PaymentRequiredAsync(http, price,
                    $"Insufficient balance: {session.BalanceSats} sats left, below the minimum; pay the invoice to top it up", balance.SessionId, cancellationToken);
            default:
                return await challenges.PaymentRequiredAsync(http, price,
                    "This balance has expired; pay the invoice for a new one", null, cancellationToken);
        }
    }

    /// <summary>An error of the boundary itself, in the surface's error shape (<see cref="PaidOperation.ErrorBody"/>).</summary>
    public static IResult Error(HttpContext http, int status, string message) =>
        PaidOperation.Of(http)?.ErrorBody is { } shape
            ? TypedResults.Json(shape(status, message, null), statusCode: status)
            : ApiErrors.Status(status, message);
}

public static class PaidSurfaces
{
    /// <summary>Puts the endpoints behind the payment boundary, documented (OpenAPI) with their price.</summary>
    public static TBuilder RequirePayment<TBuilder>(this TBuilder builder, PaidOperation operation)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, PaidSurfaceFilter>().WithMetadata(operation).DocumentPaid(operation);
}
