namespace Timmy.Tests.Infrastructure;

/// <summary>Waits for something that happens in the background (a watcher, a stream), with a hard bound.</summary>
public static class Eventually
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(25);

    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Still {value} after {timeout ?? DefaultTimeout}");
            }

            await Task.Delay(Interval);
        }
    }

    public static Task IsTrueAsync(Func<bool> condition, TimeSpan? timeout = null) =>
        ReturnsAsync(() => Task.FromResult(condition()), done => done, timeout);
}
