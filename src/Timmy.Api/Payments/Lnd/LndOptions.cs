namespace Timmy.Api.Payments.Lnd;

public sealed class LndOptions
{
    public const string Section = "Lightning:Lnd";

    /// <summary>The node's REST address, e.g. https://127.0.0.1:8080.</summary>
    public string? Url { get; set; }

    /// <summary>The macaroon: hex, or the path of a .macaroon file (invoice.macaroon; admin.macaroon to pay).</summary>
    public string? Macaroon { get; set; }

    /// <summary>The node's tls.cert (PEM or DER). When set, exactly this certificate is trusted (pinned).</summary>
    public string? TlsCertPath { get; set; }

    /// <summary>Most routing fee to pay for an outgoing payment, in sats. 0 allows zero-fee routes only.</summary>
    public long FeeLimitSats { get; set; } = 10;

    /// <summary>How long LND may keep trying to route an outgoing payment.</summary>
    public int PaymentTimeoutSeconds { get; set; } = 60;
}
