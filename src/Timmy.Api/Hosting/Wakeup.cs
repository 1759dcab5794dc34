using System.Threading.Channels;

namespace Timmy.Api.Hosting;

/// <summary>
/// Lets a background loop that sleeps between passes be woken early. Notifications while it is awake
/// collapse into one, so a burst costs a single extra pass.
/// </summary>
public class Wakeup
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => _wake.Writer.TryWrite(true);

    /// <summary>Returns when notified or when <paramref name="timeout"/> passes (on <paramref name="clock"/>, the system's by default).</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken, TimeProvider? clock = null)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            // Thousands of event streams wait like this; they need no timer each.
            await _wake.Reader.ReadAsync(cancellationToken);
            return;
        }

        using var timer = new CancellationTokenSource(timeout, clock ?? TimeProvider.System);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            await _wake.Reader.ReadAsync(either.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The interval passed without a wake-up.
        }
    }
}
