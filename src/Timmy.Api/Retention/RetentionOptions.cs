namespace Timmy.Api.Retention;

/// <summary>How long records of things never paid for are kept (section "Retention").</summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>Unpaid jobs, invoices and sessions, and idempotency records, older than this many days are deleted.</summary>
    public int UnpaidDays { get; set; } = 7;

    /// <summary>How often the sweeper looks for them (and once at startup).</summary>
    public int SweepIntervalMinutes { get; set; } = 60;

    /// <summary>Rows deleted per statement, so a large backlog never holds the writer for long.</summary>
    public int BatchSize { get; set; } = 500;

    public TimeSpan UnpaidAge => TimeSpan.FromDays(UnpaidDays);

    public TimeSpan SweepInterval => TimeSpan.FromMinutes(SweepIntervalMinutes);
}
