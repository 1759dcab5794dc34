using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Timmy.Api.Payments;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Retention;

/// <summary>The invoice watcher asks about invoices that can still be paid, not every unpaid one ever issued.</summary>
public sealed class ExpiredInvoicePollingTests
{
    [Fact]
    public async Task An_unpaid_invoice_past_its_expiry_and_grace_is_no_longer_polled()
    {
        var polls = new PollCounter();
        using var factory = new TimmyFactory
        {
            Settings =
            {
                ["Lightning:WatchInvoices"] = "true",
                ["Lightning:PollIntervalMs"] = "50",
                ["Lightning:ListeningPollIntervalMs"] = "50",
            },
            TestServices = services => services.AddSingleton<IPaymentEvents>(polls),
        };
        var client = factory.CreateClient();
        var (expiring, live) = (await client.CreateJobIdAsync(), await client.CreateJobIdAsync());
        await Eventually.IsTrueAsync(() => polls.Of(expiring) > 2 && polls.Of(live) > 2); // both pending invoices are polled

        // Issued two hours ago: an hour past its expiry (Jobs:InvoiceExpirySeconds, 3600) and the watcher's grace.
        await factory.WithDbAsync(db => db.Invoices.Where(i => i.JobId == expiring)
            .ExecuteUpdateAsync(set => set.SetProperty(i => i.CreatedAt, DateTimeOffset.UtcNow.AddHours(-2))));
        // Polls from pages read before that may still land: one being made, one queued, one from the pass reading then.
        // The watcher's queue is first in, first out, and each page lists the older invoice first, so once the live
        // invoice has been polled four more times they are all behind us.
        await PolledAgainAsync(polls, live, times: 4);
        var before = polls.Of(expiring);
        await PolledAgainAsync(polls, live, times: 3);

        // Still polled, it would have been polled with each of the live invoice's last three.
        Assert.Equal(before, polls.Of(expiring));
    }

    private static async Task PolledAgainAsync(PollCounter polls, Guid owner, int times)
    {
        var target = polls.Of(owner) + times;
        await Eventually.IsTrueAsync(() => polls.Of(owner) >= target, TimeSpan.FromSeconds(30));
    }

    private sealed class PollCounter : IPaymentEvents
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, int> _polls = new();

        public int Of(Guid owner) => _polls.GetValueOrDefault(owner);

        public Task InvoiceMayBePaidAsync(PaymentOwner owner, CancellationToken cancellationToken)
        {
            _polls.AddOrUpdate(owner.Id, 1, (_, n) => n + 1);
            return Task.CompletedTask;
        }

        public Task SettlePayoutsAsync(PayoutLookup lookUp, TimeSpan unknownAfter, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
