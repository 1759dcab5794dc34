using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Timmy.Api.Data;
using Timmy.Api.Hosting;

namespace Timmy.Api.Payments.Watching;

/// <summary>
/// Tells the owners of invoices (jobs and sessions, through <see cref="IPaymentEvents"/>) when they are paid, without
/// waiting for a client to poll ("listen, then poll", after BTCPay). It listens to the node's settlement feed when the backend has one, and also
/// polls pending invoices on a timer, so a payment missed while disconnected is still caught: often while the
/// feed is down, rarely while it is up, and a page at a time in turn, so every pending invoice is reached. Both only
/// queue owners; a few workers publish <see cref="IPaymentEvents.InvoiceMayBePaidAsync"/> for each, whose subscribers'
/// conditional updates make a second look at the same payment harmless.
/// </summary>
public sealed partial class InvoiceWatcher(
    IServiceScopeFactory scopes,
    IOptions<LightningOptions> lightning,
    IOptions<InvoiceWatchOptions> watch,
    IEnumerable<IPaymentEvents> subscribers,
    TimeProvider clock,
    ILogger<InvoiceWatcher> logger,
    IInvoiceListener? listener = null) : BackgroundService
{
    /// <summary>Advances run side by side: each mostly waits on the database, and their moves share group commits.</summary>
    private const int Workers = 64;
    private const int ResolveBatchSize = 500;
    private static readonly TimeSpan FirstReconnectDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(30);

    private readonly IPaymentEvents[] _subscribers = subscribers.ToArray();
    private readonly Channel<string> _settled = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<PaymentOwner> _queue = Channel.CreateUnbounded<PaymentOwner>();
    private readonly ConcurrentDictionary<PaymentOwner, byte> _queued = new();
    private readonly Wakeup _feedLost = new();
    private volatile bool _feedConnected;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var workers = Enumerable.Range(0, Workers).Select(_ => AdvanceQueuedJobsAsync(stoppingToken));
        await Task.WhenAll([ListenAsync(stoppingToken), ResolveSettledAsync(stoppingToken), PollAsync(stoppingToken), .. workers]);
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        if (listener is null)
        {
            return;
        }

        var delay = FirstReconnectDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var hash in listener.ListenAsync(() => _feedConnected = true, stoppingToken))
                {
                    delay = FirstReconnectDelay;
                    _settled.Writer.TryWrite(hash.ToLowerInvariant());
                }

                LogListenerClosed(delay);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogListenerFailed(ex, delay);
            }
            finally
            {
                if (_feedConnected)
                {
                    // Payments may go unreported until the feed is back: poll at the fast pace now.
                    _feedConnected = false;
                    _feedLost.Notify();
                }
            }

            if (!await DelayAsync(delay, stoppingToken))
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxReconnectDelay.Ticks));
        }
    }

    private async Task PollAsync(CancellationToken stoppingToken)
    {
        var settings = lightning.Value;
        DateTimeOffset? after = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<TimmyDbContext>();
                var page = await PendingInvoices.AwaitingPaymentAsync(
                    db, clock.GetUtcNow(), watch.Value.InvoiceExpiry, after, settings.PollBatchSize, stoppingToken);
                page.Owners.ForEach(Queue);
                // The next pass takes the next page; after the last, it starts again from the oldest.
                after = page.Owners.Count < settings.PollBatchSize ? null : page.LastCreatedAt;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogPollFailed(ex);
            }

            var interval = _feedConnected ? settings.ListeningPollInterval : settings.PollInterval;
            await _feedLost.WaitAsync(interval, stoppingToken, clock).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Finds whose invoices the feed reported settled, many at a time when payments arrive in a burst.</summary>
    private async Task ResolveSettledAsync(CancellationToken stoppingToken)
    {
        var hashes = new List<string>(ResolveBatchSize);
        try
        {
            while (await _settled.Reader.WaitToReadAsync(stoppingToken))
            {
                while (hashes.Count < ResolveBatchSize && _settled.Reader.TryRead(out var hash))
                {
                    hashes.Add(hash);
                }

                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var db = scope.ServiceProvider.GetRequiredService<TimmyDbContext>();
                    (await PendingInvoices.OwnersOfAsync(db, hashes, stoppingToken)).ForEach(Queue);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // The safety poll will find these payments.
                    LogResolveFailed(ex, hashes.Count);
                }

                hashes.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>Queues an owner once: one already waiting in the queue is not queued again.</summary>
    private void Queue(PaymentOwner owner)
    {
        if (_queued.TryAdd(owner, 0))
        {
            _queue.Writer.TryWrite(owner);
        }
    }

    private async Task AdvanceQueuedJobsAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var owner in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                _queued.TryRemove(owner, out _);
                await AdvanceAsync(owner, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task AdvanceAsync(PaymentOwner owner, CancellationToken stoppingToken)
    {
        try
        {
            foreach (var subscriber in _subscribers)
            {
                await subscriber.InvoiceMayBePaidAsync(owner, stoppingToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogAdvanceFailed(ex, owner.Id);
        }
    }

    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, clock, stoppingToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(LogLevel.Warning, "The Lightning settlement feed closed; reconnecting in {Delay}")]
    private partial void LogListenerClosed(TimeSpan delay);

    [LoggerMessage(LogLevel.Warning, "The Lightning settlement feed failed; reconnecting in {Delay} (pending invoices are still polled)")]
    private partial void LogListenerFailed(Exception ex, TimeSpan delay);

    [LoggerMessage(LogLevel.Warning, "Could not look up the owners of {Count} settled invoices; the poll will find them")]
    private partial void LogResolveFailed(Exception ex, int count);

    [LoggerMessage(LogLevel.Warning, "Polling pending invoices failed; will try again on the next tick")]
    private partial void LogPollFailed(Exception ex);

    [LoggerMessage(LogLevel.Error, "Advancing {OwnerId} after a payment check failed")]
    private partial void LogAdvanceFailed(Exception ex, Guid ownerId);
}
