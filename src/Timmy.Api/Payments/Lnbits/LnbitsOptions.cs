namespace Timmy.Api.Payments.Lnbits;

public sealed class LnbitsOptions
{
    public const string Section = "Lightning:Lnbits";

    /// <summary>Base URL of the LNbits instance (seed env name: LNBITS_URL).</summary>
    public string? Url { get; set; }

    /// <summary>The wallet's invoice/read key: creates and checks invoices (seed env name: LNBITS_API_KEY).</summary>
    public string? ApiKey { get; set; }

    /// <summary>The wallet's admin key, needed only to pay invoices (refunds). Env name: LNBITS_ADMIN_KEY.</summary>
    public string? AdminKey { get; set; }
}
