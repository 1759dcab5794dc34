using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Timmy.Api.Boundary;
using Timmy.Api.Data;

namespace Timmy.Api.OpenAI;

/// <summary>
/// A /v1 call's money: its worst case reserved on the caller's balance (null reservation only under
/// <c>Chat:Free</c>), the balance left after the reservation, and the BTC price every cost of the call uses.
/// </summary>
public sealed record MeteredCall(MeterReservation? Reservation, long? BalanceAfterReserve, decimal BtcPriceUsd)
{
    public const string CostHeader = "X-Cost-Sats";
    public const string BalanceHeader = "X-Balance-Sats";

    /// <summary>Reserves <paramref name="worstCaseSats"/>; null when the balance cannot cover it (answer a 402 top-up).</summary>
    public static async Task<MeteredCall?> ReserveAsync(
        HttpContext http, string what, long worstCaseSats, decimal btcPriceUsd, CancellationToken cancellationToken)
    {
        if (http.PaidBalanceOrNull() is not { } balance)
        {
            return new MeteredCall(null, null, btcPriceUsd);
        }

        var services = http.RequestServices;
        var reservation = await services.GetRequiredService<BalanceMeter>().ReserveAsync(balance.SessionId, what, worstCaseSats, cancellationToken);
        if (reservation is null)
        {
            return null;
        }

        // Reserving took the worst case off the balance, so this is what the client may still spend elsewhere.
        var left = await services.GetRequiredService<TimmyDbContext>().Sessions.AsNoTracking()
            .Where(s => s.Id == balance.SessionId).Select(s => s.BalanceSats).SingleAsync(CancellationToken.None);
        return new MeteredCall(reservation, left, btcPriceUsd);
    }

    /// <summary>Debits <paramref name="costSats"/> (at most the reservation) and gives the rest back; the balance left, if metered.</summary>
    public async Task<long?> SettleAsync(IServiceProvider services, long costSats, string? failure) =>
        Reservation is null ? null : await services.GetRequiredService<BalanceMeter>().SettleAsync(Reservation, costSats, failure);

    /// <summary>
    /// The provider's usage when it reported any, else the tokens counted here (a dropped or abandoned stream is charged
    /// what it produced, never zero); an answer that produced nothing costs nothing.
    /// </summary>
    public long CostOf(CompletionCosts costs, string model, long promptTokens, string text, UsageDetails? usage) =>
        text.Length == 0 ? 0 : costs.Sats(model, Prompt(promptTokens, usage), Completion(costs, text, usage), BtcPriceUsd);

    public static long Prompt(long counted, UsageDetails? usage) => usage?.InputTokenCount ?? counted;

    public static long Completion(CompletionCosts costs, string text, UsageDetails? usage) => usage?.OutputTokenCount ?? costs.CountText(text);

    public static void WriteHeaders(HttpResponse response, long? costSats, long? balanceSats)
    {
        if (costSats is { } cost)
        {
            response.Headers[CostHeader] = cost.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (balanceSats is { } balance)
        {
            response.Headers[BalanceHeader] = balance.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
