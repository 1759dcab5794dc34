namespace Timmy.Api.Boundary;

/// <summary>
/// How long a metered call may run. Its reservation is presumed abandoned (its process died) once it is older than
/// <see cref="Sessions.SessionReservations.AbandonedAfter"/>, by whichever instance next looks at the balance, and
/// given back uncharged: a call still running then would be served free. So a call that has a reservation is cut at
/// <see cref="Sessions.SessionReservations.RunLimit"/> (half that age) and settles at what it produced; the other half
/// leaves room to settle and for instances' clocks that disagree. A bound, not a renewed lease: nothing is written
/// while a call runs, and it holds on any number of instances. A stream (a slow upstream, a slow reader) is the call
/// this matters for: nothing else bounds how long its body takes.
/// </summary>
public sealed class MeterDeadline : IDisposable
{
    private readonly CancellationTokenSource? _limit;
    private readonly CancellationTokenSource _either;

    /// <param name="runLimit">Null for an unmetered call (<c>Chat:Free</c>): only the client's leaving ends it.</param>
    public MeterDeadline(TimeSpan? runLimit, TimeProvider clock, CancellationToken requestAborted)
    {
        _limit = runLimit is { } limit ? new CancellationTokenSource(limit, clock) : null;
        _either = _limit is null
            ? CancellationTokenSource.CreateLinkedTokenSource(requestAborted)
            : CancellationTokenSource.CreateLinkedTokenSource(_limit.Token, requestAborted);
        Limit = runLimit;
    }

    /// <summary>The call's token: cancelled when the client leaves or the time is up.</summary>
    public CancellationToken Token => _either.Token;

    public TimeSpan? Limit { get; }

    /// <summary>The time is up (rather than the client gone).</summary>
    public bool Passed => _limit?.IsCancellationRequested == true;

    /// <summary>What the client is told of a call cut at its limit.</summary>
    public string CutMessage =>
        $"The call ran past this server's limit of {Limit?.TotalSeconds:0} s for one call and was cut";

    public void Dispose()
    {
        _either.Dispose();
        _limit?.Dispose();
    }
}
