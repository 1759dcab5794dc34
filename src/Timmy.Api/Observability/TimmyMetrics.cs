using System.Diagnostics;
using System.Diagnostics.Metrics;
using Timmy.Api.Jobs;

namespace Timmy.Api.Observability;

/// <summary>Timmy's own instruments; model latency and tokens come from Microsoft.Extensions.AI's OpenTelemetry client.</summary>
public sealed class TimmyMetrics
{
    public const string MeterName = "Timmy";
    public const string AgentSourceName = "Timmy.Agent";

    public static readonly ActivitySource Tracing = new(MeterName);

    private readonly Counter<long> _transitions;
    private readonly Counter<long> _satsInvoiced;
    private readonly Counter<long> _satsPaid;
    private readonly Counter<long> _satsRefunded;
    private readonly Counter<long> _rateLimited;

    public TimmyMetrics(IMeterFactory meters, JobStateCounts jobStates)
    {
        var meter = meters.Create(MeterName);
        _transitions = meter.CreateCounter<long>("timmy.jobs.transitions", description: "Job state changes, by the state entered");
        _satsInvoiced = meter.CreateCounter<long>("timmy.sats.invoiced", "sat", "Sats asked for in invoices, by kind");
        _satsPaid = meter.CreateCounter<long>("timmy.sats.paid", "sat", "Sats received on paid invoices, by kind");
        _satsRefunded = meter.CreateCounter<long>("timmy.sats.refunded", "sat", "Sats paid back to clients");
        _rateLimited = meter.CreateCounter<long>("timmy.demo.rate_limited", description: "Demo requests refused by the rate limit");
        meter.CreateObservableGauge("timmy.jobs.by_state", jobStates.Observe, description: "Jobs currently in each state");
    }

    public void JobEntered(JobState state) => _transitions.Add(1, new KeyValuePair<string, object?>("state", state.ToWireName()));

    public void Invoiced(string kind, long sats) => _satsInvoiced.Add(sats, new KeyValuePair<string, object?>("kind", kind));

    public void Paid(string kind, long sats) => _satsPaid.Add(sats, new KeyValuePair<string, object?>("kind", kind));

    public void Refunded(long sats) => _satsRefunded.Add(sats);

    public void RateLimited() => _rateLimited.Add(1);
}
