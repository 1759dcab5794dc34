namespace Timmy.Api.Sessions;

public sealed class SessionsOptions
{
    public const string Section = "Sessions";

    public long MinDepositSats { get; set; } = 100;

    public long MaxDepositSats { get; set; } = 10_000;

    /// <summary>Below this balance an active session pauses until topped up.</summary>
    public long MinimumBalanceSats { get; set; } = 50;

    public int IdleExpiryHours { get; set; } = 24;

    /// <summary>
    /// A request still unsettled after this long was interrupted (a crash); its reservation is given back. Never less
    /// than the longest a request's two model calls may take (<see cref="SessionReservations"/>).
    /// </summary>
    public int ReservationTimeoutSeconds { get; set; } = 900;

    /// <summary>Hex or base64 root key for session macaroons. Empty: generated once and kept in the database.</summary>
    public string? MacaroonRootKey { get; set; }

    /// <summary>The location written into macaroons.</summary>
    public string MacaroonLocation { get; set; } = "timmy";

    public TimeSpan IdleExpiry => TimeSpan.FromHours(IdleExpiryHours);
}
