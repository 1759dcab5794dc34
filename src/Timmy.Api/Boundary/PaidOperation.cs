namespace Timmy.Api.Boundary;

/// <summary>
/// Endpoint metadata of a paid operation: how it is priced (for OpenAPI and the 402 body) and the most one call may
/// cost before its body is read (what a first challenge's bundle must at least cover).
/// </summary>
public sealed record PaidOperation(string Pricing, Func<IServiceProvider, long> PriceHintSats);
