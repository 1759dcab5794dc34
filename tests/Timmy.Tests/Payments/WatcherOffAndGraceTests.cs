using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Timmy.Api.Jobs;
using Timmy.Tests.Fakes;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Payments;

/// <summary>
/// Payments noticed without the usual help: a job's event stream with the invoice watcher off asks the node itself;
/// the watcher keeps asking about an invoice for a minute past its expiry (a payment made in its last moments may be
/// reported late), and not after.
/// </summary>
public sealed class WatcherOffAndGraceTests : FakeServerTests<FakeLnbits>
{
    [Fact]
    public async Task With_the_watcher_off_the_job_event_stream_notices_the_payment_itself()
    {
        using var factory = new TimmyFactory
        {
            Settings = Fake.TimmySettings().With(("Lightning:WatchInvoices", "false"), ("JobEvents:PollIntervalMs", "50")),
        };
        var client = factory.CreateClient();
        var created = await client.CreateJobAsync("What is a satoshi?");
        await using var stream = await JobEventStream.OpenAsync(client, created.Str("jobId"));
        Assert.Equal("awaiting_eval_payment", (await stream.NextAsync())!.Value.Str("state"));

        // Paid on the node; nobody polls the job and no watcher listens.
        await Fake.SettleAsync(Fake.Book.ByPaymentRequest(created.Str("evalInvoice", "paymentRequest")).HashHex);

        Assert.Equal("awaiting_work_payment", (await stream.NextWithStateAsync("awaiting_work_payment")).Str("state"));
    }

    [Fact]
    public async Task The_watcher_notices_a_payment_reported_within_a_minute_of_the_invoices_expiry()
    {
        var (factory, clock) = PollingOnAFakeClock();
        using var _ = factory;
        var jobId = await factory.CreateClient().CreateJobIdAsync();
        clock.Advance(TimeSpan.FromSeconds(3600 + 30));

        await Fake.SettleAsync(Fake.Book.ByPaymentRequest(await EvalRequestAsync(factory, jobId)).HashHex);

        Assert.NotEqual(JobState.AwaitingEvalPayment, await StepUntilAsync(clock, () => StateAsync(factory, jobId), state => state != JobState.AwaitingEvalPayment));
    }

    [Fact]
    public async Task Past_the_grace_minute_the_watcher_stops_asking_about_the_invoice()
    {
        var (factory, clock) = PollingOnAFakeClock();
        using var _ = factory;
        var jobId = await factory.CreateClient().CreateJobIdAsync();
        // The watcher is asking about the pending invoice now, so the silence below is the grace ending, not a watcher that never asked.
        var asked = Fake.PaymentChecks;
        Assert.True(await StepUntilAsync(clock, () => Task.FromResult(Fake.PaymentChecks), checks => checks > asked) > asked);

        clock.Advance(TimeSpan.FromSeconds(3600 + 61));
        // Counting checks of payments only: the refused WebSocket is retried on the same clock.
        var before = await Quiet.CountAsync(() => Fake.PaymentChecks, TimeSpan.FromSeconds(1));
        for (var i = 0; i < 20; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal(before, await Quiet.CountAsync(() => Fake.PaymentChecks, TimeSpan.FromSeconds(1)));
        Assert.Equal(JobState.AwaitingEvalPayment, await StateAsync(factory, jobId));
    }

    /// <summary>Timmy on this wallet with no WebSocket, polling every 100 ms of a fake clock.</summary>
    private (TimmyFactory Factory, FakeTimeProvider Clock) PollingOnAFakeClock()
    {
        Fake.RefuseWebSockets = true;
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var factory = new TimmyFactory
        {
            Settings = Fake.TimmySettings().With(("Lightning:WatchInvoices", "true"), ("Lightning:PollIntervalMs", "100"), ("Jobs:InvoiceExpirySeconds", "3600")),
            TestServices = s => s.AddSingleton<TimeProvider>(clock),
        };
        return (factory, clock);
    }

    /// <summary>
    /// Moves the fake clock 100 ms at a time, waiting in real time between steps, until the probe says done; returns what it
    /// saw last, and fails if it is still not done after 30 s.
    /// </summary>
    private static async Task<T> StepUntilAsync<T>(FakeTimeProvider clock, Func<Task<T>> probe, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        for (var seen = await probe(); ; seen = await probe())
        {
            if (done(seen))
            {
                return seen;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Still {seen} after 30 s of steps");
            }

            clock.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(50);
        }
    }

    private static Task<string> EvalRequestAsync(TimmyFactory factory, Guid jobId) =>
        factory.WithDbAsync(db => db.Invoices.Where(i => i.JobId == jobId).Select(i => i.PaymentRequest).SingleAsync());

    private static Task<JobState> StateAsync(TimmyFactory factory, Guid jobId) =>
        factory.WithDbAsync(db => db.Jobs.AsNoTracking().Where(j => j.Id == jobId).Select(j => j.State).SingleAsync());
}
