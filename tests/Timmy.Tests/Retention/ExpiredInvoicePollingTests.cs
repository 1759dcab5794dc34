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
        var jobId = await factory.CreateClient().CreateJobIdAsync();
        await Eventually.IsTrueAsync(() => polls.Of(jobId) > 2); // its pending invoice is polled

        // Issued two hours ago: an hour past its expiry (Jobs:InvoiceExpirySeconds, 3600) and the watcher's grace.
        await factory.WithDbAsync(db => db.Invoices.ExecuteUpdateAsync(set => set.SetProperty(i => i.CreatedAt, DateTimeOffset.UtcNow.AddHours(-2))));
        await Task.Delay(300); // a poll already under way finishes
        var before = polls.Of(jobId);
        await Task.Delay(1000);

        // Still polled, this would be about 20 more.
        Assert.Equal(before, polls.Of(jobId));
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
