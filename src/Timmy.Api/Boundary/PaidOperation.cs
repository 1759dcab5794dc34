namespace Timmy.Api.Boundary;

/// <summary>
/// Endpoint metadata of a paid operation: how it is priced (for OpenAPI and the 402 body) and the most one call may
/// cost before its body is read (what a first challenge's bundle must at least cover).
/// </summary>
public sealed record PaidOperation(string Pricing, Func<IServiceProvider, long> PriceHintSats)
{
    /// <summary>
    /// The JSON body of the boundary's own errors on this surface (status, message, and for a 402 with a challenge its
    /// details), for surfaces whose clients parse another error shape (the OpenAI-compatible routes). Null: Timmy's
    /// <c>{"error": "…"}</c>, with the challenge's price and invoice beside it on a 402.
    /// </summary>
    public Func<int, string, PaymentRequiredResponse?, object>? ErrorBody { get; init; }

    public static PaidOperation? Of(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<PaidOperation>();
}
