using System.Text.Json.Nodes;

namespace Timmy.Http402;

/// <summary>The request of a Lightning <c>charge</c>: {amount, currency:"sat", description?, methodDetails:{invoice, paymentHash?, network?}}.</summary>
public sealed record LightningCharge(long AmountSats, string Invoice, string? PaymentHash, string? Network, string? Description = null)
{
    public const string Method = "lightning";
    public const string Intent = "charge";

    /// <summary>base64url of the JCS form: the value of the challenge's <c>request</c> parameter.</summary>
    public string ToRequestParameter()
    {
        var details = new JsonObject { ["invoice"] = Invoice };
        if (PaymentHash is not null)
        {
            details["paymentHash"] = PaymentHash;
        }

        if (Network is not null)
        {
            details["network"] = Network;
        }

        var request = new JsonObject { ["amount"] = IntentRequest.Sats(AmountSats), ["currency"] = "sat" };
        if (Description is not null)
        {
            request["description"] = Description;
        }

        request["methodDetails"] = details;
        return IntentRequest.Encode(request);
    }

    /// <summary>The payment hash named by a charge request parameter; null if it names none or does not parse.</summary>
    public static string? PaymentHashOf(string requestParameter) =>
        IntentRequest.Text(IntentRequest.Decode(requestParameter)?["methodDetails"] as JsonObject, "paymentHash");
}
