using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Timmy.Api.Data;
using Timmy.Api.Hosting;
using Timmy.Api.Jobs;
using Timmy.Api.Sessions;

namespace Timmy.Api.Payments.Watching;

/// <summary>
/// Advances jobs and sessions when their invoices are paid, without waiting for a client to poll ("listen,
/// then poll", after BTCPay). It listens to the node's settlement feed when the backend has one, and also
/// polls pending invoices on a timer, so a payment missed while disconnected is still caught: often while the
/// feed is down, rarely while it is up, and a page at a time in turn, so every pending invoice is reached. Both only
/// queue owners; a few workers run <see cref="JobAdvancer.AdvanceAsync"/> or <see cref="SessionAdvancer.AdvanceAsync"/>,
/// whose conditional updates make a second look at the same payment harmless.
/// </summary>
public sealed partial class InvoiceWatcher(
    IServiceScopeFactory scopes,
    IOptions<LightningOptions> lightning,
    IOptions<JobOptions> jobs,
    TimeProvider clock,
    ILogger<InvoiceWatcher> logger,
    IInvoiceListener? listener = null) : BackgroundService
{
    private const int Workers = 4;
    private static readonly TimeSpan FirstReconnectDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(30);

    private readonly Channel<PaymentOwner> _queue = Channel.CreateUnbounded<PaymentOwner>();
    private readonly ConcurrentDictionary<PaymentOwner, byte> _queued = new();
    private readonly Wakeup _feedLost = new();
    private volatile bool _feedConnected;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var workers = Enumerable.Range(0, Workers).Select(_ => AdvanceQueuedJobsAsync(stoppingToken));
        await Task.WhenAll([ListenAsync(stoppingToken), PollAsync(stoppingToken), .. workers]);
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
                    await QueueJobOfAsync(hash, stoppingToken);
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
                    db, clock.GetUtcNow(), jobs.Value.InvoiceExpiry, after, settings.PollBatchSize, stoppingToken);
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

    private async Task QueueJobOfAsync(string paymentHash, CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TimmyDbContext>();
        if (await PendingInvoices.OwnerOfAsync(db, paymentHash.ToLowerInvariant(), stoppingToken) is { } owner)
        {
            Queue(owner);
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
            // A fresh scope per owner: its own DbContext and backend, as a request would have.
            await using var scope = scopes.CreateAsyncScope();
            if (owner.IsSession)
            {
                await scope.ServiceProvider.GetRequiredService<SessionAdvancer>().AdvanceAsync(owner.Id, stoppingToken);
            }
            else
            {
                await scope.ServiceProvider.GetRequiredService<JobAdvancer>().AdvanceAsync(owner.Id, stoppingToken);
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

    [LoggerMessage(LogLevel.Warning, "Polling pending invoices failed; will try again on the next tick")]
    private partial void LogPollFailed(Exception ex);

    [LoggerMessage(LogLevel.Error, "Advancing {OwnerId} after a payment check failed")]
    private partial void LogAdvanceFailed(Exception ex, Guid ownerId);
}
