using Microsoft.AspNetCore.Http.HttpResults;
using Timmy.Api.Errors;
using Timmy.Api.Payments;
using Timmy.Api.Payments.Stub;

namespace Timmy.Api.Dev;

/// <summary>Simulated payments for the stub backend. Mapped only outside Production, so it does not exist there.</summary>
public static class DevPaymentsApi
{
    /// <summary>The preimage is what a real wallet learns by paying: with it, a client builds its L402 or Payment credential.</summary>
    public sealed record StubPayResponse(bool Ok, string PaymentHash, string Preimage);

    /// <summary>Simulated payments exist only on the stub backend and never in Production.</summary>
    public static bool IsAvailable(IHostEnvironment environment, LightningOptions lightning) =>
        !environment.IsProduction() && lightning.IsStub;

    public static void MapDevPaymentsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api/dev").WithTags("dev")
            .MapPost("/stub/pay/{paymentHash}", PayAsync).WithName("stubPay").WithSummary("Settle a stub invoice (simulated payment)");
    }

    private static async Task<Results<Ok<StubPayResponse>, BadRequest<ApiError>, NotFound<ApiError>>> PayAsync(
        string paymentHash, StubPaymentBackend stub, CancellationToken cancellationToken)
    {
        if (!PaymentHash.IsValid(paymentHash))
        {
            return ApiErrors.BadRequest("paymentHash must be the invoice's full 64-character hex payment hash");
        }

        var hash = paymentHash.ToLowerInvariant();
        return await stub.SimulatePaymentAsync(hash, cancellationToken) && await stub.PreimageOfAsync(hash, cancellationToken) is { } preimage
            ? TypedResults.Ok(new StubPayResponse(true, hash, preimage))
            : ApiErrors.NotFound("Invoice not found");
    }
}
