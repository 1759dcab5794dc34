using Timmy.Http402;

namespace Timmy.Api.Boundary;

public static class PaymentReceipts
{
    /// <summary>
    /// Every successful answer paid from a balance carries <c>Payment-Receipt</c>, set as the response starts (so a
    /// stream carries it too): success, lightning, the time, the payment hash that funds the balance, the challenge id.
    /// </summary>
    public static void AddReceiptOnSuccess(this HttpContext http, PaidBalance balance, TimeProvider clock) =>
        http.Response.OnStarting(() =>
        {
            if (http.Response.StatusCode < 400 && balance.PaymentHash.Length > 0)
            {
                http.Response.Headers[PaymentReceipt.HeaderName] =
                    PaymentReceipt.Success(LightningCharge.Method, clock.GetUtcNow(), balance.PaymentHash, balance.ChallengeId).Encode();
            }

            return Task.CompletedTask;
        });
}
