using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Timmy.Api.Errors;

namespace Timmy.Api.Boundary;

/// <summary>
/// How a paid operation shows in OpenAPI: the L402 and Payment security schemes (alternatives), its 402 (the
/// challenge, with WWW-Authenticate) and 401, the Payment-Receipt header of its successes, and its price
/// (in the description and as <c>x-timmy-price</c>).
/// </summary>
public static class PaidOperationDocs
{
    public const string L402Scheme = "L402";
    public const string PaymentScheme = "Payment";

    public static readonly OpenApiSecurityScheme L402 = new()
    {
        Type = SecuritySchemeType.Http,
        Scheme = "L402",
        Description = "bLIP-0026: `Authorization: L402 <macaroon>:<preimage>` (also `LSAT`, or `Bearer <macaroon>:<preimage>`). " +
            "A request without it gets a 402 whose `WWW-Authenticate: L402 macaroon=\"…\", invoice=\"…\"` sells a balance; pay the invoice, then replay the credential until the balance runs out.",
    };

    public static readonly OpenApiSecurityScheme Payment = new()
    {
        Type = SecuritySchemeType.Http,
        Scheme = "Payment",
        Description = "The Payment HTTP authentication scheme, Lightning `charge` and `session` intents: `Authorization: Payment <base64url credential>` " +
            "echoing one of the 402's `WWW-Authenticate: Payment …` challenges. Charge payload: `{\"preimage\": \"<hex>\"}`. " +
            "Session payload (draft-lightning-session-00): `{\"action\": \"open\", \"preimage\", \"returnInvoice\": \"<amountless BOLT11>\"}`, " +
            "then `{\"action\": \"bearer\", \"sessionId\": \"<the opening payment hash>\", \"preimage\"}`, " +
            "`{\"action\": \"topUp\", \"sessionId\", \"topUpPreimage\"}` echoing the challenge of a top-up 402, and " +
            "`{\"action\": \"close\", \"sessionId\", \"preimage\"}`, which any paid operation answers itself: 200 " +
            "`{sessionId, refundSats, refundStatus, message}` after refunding the balance to the return invoice (409 without one).",
    };

    public static TBuilder DocumentPaid<TBuilder>(this TBuilder builder, PaidOperation fallback)
        where TBuilder : IEndpointConventionBuilder =>
        builder
            .WithMetadata(
                new ProducesResponseTypeMetadata(StatusCodes.Status402PaymentRequired, typeof(PaymentRequiredResponse), ["application/json"]),
                new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized, typeof(ApiError), ["application/json"]))
            .AddOpenApiOperationTransformer((operation, context, _) =>
            {
                var paid = context.Description.ActionDescriptor.EndpointMetadata.OfType<PaidOperation>().LastOrDefault() ?? fallback;
                operation.Security =
                [
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(L402Scheme, context.Document)] = [] },
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(PaymentScheme, context.Document)] = [] },
                ];
                operation.Description = (operation.Description is { Length: > 0 } description ? description + "\n\n" : "") +
                    $"**Paid.** Price: {paid.Pricing}. Without a credential: 402 with an invoice that opens a balance; a balance " +
                    "that cannot cover the call: 402 with an invoice that tops it up; a bad credential: 401.";
                operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
                operation.Extensions["x-timmy-price"] = new JsonNodeExtension(JsonValue.Create(paid.Pricing));
                foreach (var (status, response) in operation.Responses ?? [])
                {
                    if (response is not OpenApiResponse concrete)
                    {
                        continue;
                    }

                    concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
                    if (status == "402")
                    {
                        concrete.Description = "Payment required: the challenges (Payment session and charge, L402, LSAT) for one BOLT11 invoice";
                        concrete.Headers["WWW-Authenticate"] = StringHeader("`Payment id=…, realm=…, method=\"lightning\", intent=\"session\", request=…`, " +
                            "the same with `intent=\"charge\"`, then `L402 macaroon=…, invoice=…` and the same as `LSAT`");
                    }
                    else if (status.StartsWith('2'))
                    {
                        concrete.Headers["Payment-Receipt"] = StringHeader("base64url JSON {status, method, timestamp, reference (payment hash), challengeId?, " +
                            "refundSats? and refundStatus? (a Payment session's close)}");
                    }
                }

                // A 402 that would open a balance is within the per-client creation limit.
                operation.Responses?.TryAdd("429", new OpenApiResponse
                {
                    Description = "Too many balances opened by this client's 402 challenges this minute",
                    Headers = new Dictionary<string, IOpenApiHeader> { ["Retry-After"] = StringHeader("seconds until a challenge may be issued again") },
                });
                return Task.CompletedTask;
            });

    private static OpenApiHeader StringHeader(string description) =>
        new() { Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
}
