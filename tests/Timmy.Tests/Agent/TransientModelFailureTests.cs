using System.ClientModel;
using System.Net;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Timmy.Api.Agent;

namespace Timmy.Tests.Agent;

/// <summary>Which model failures leave a paid job waiting for another attempt, and which fail it at once.</summary>
public sealed class TransientModelFailureTests
{
    public static TheoryData<Exception, bool> Failures => new()
    {
        { new HttpRequestException("connection refused"), true },
        { new HttpRequestException("overloaded", null, (HttpStatusCode)529), true },
        { new HttpRequestException("rate limited", null, HttpStatusCode.TooManyRequests), true },
        { new HttpRequestException("bad gateway", null, HttpStatusCode.BadGateway), true },
        { new HttpRequestException("unauthorized", null, HttpStatusCode.Unauthorized), false },
        { new HttpRequestException("bad request", null, HttpStatusCode.BadRequest), false },
        { new TaskCanceledException("timed out"), true },
        { new IOException("connection reset"), true },
        { new BrokenCircuitException("circuit open"), true },
        { new TimeoutRejectedException("attempt timed out"), true },
        { new ClientResultException("no response"), true },
        { new InvalidOperationException("a bug", new HttpRequestException("reset")), true },
        { new InvalidOperationException("a bug"), false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Transient_failures_are_told_from_refusals(Exception failure, bool transient) =>
        Assert.Equal(transient, TransientModelFailures.IsTransient(failure));
}
