namespace Timmy.Tests.Infrastructure;

/// <summary>Waits until a count that background work raises stops changing, instead of guessing a fixed delay.</summary>
public static class Quiet
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    /// <summary>The count once it has not changed for <paramref name="quietFor"/>; fails if it keeps changing past <paramref name="timeout"/>.</summary>
    public static async Task<int> CountAsync(Func<int> count, TimeSpan quietFor, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        var last = count();
        var since = DateTime.UtcNow;
        while (DateTime.UtcNow - since < quietFor)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Still changing after {timeout ?? TimeSpan.FromSeconds(30)}: {last}");
            }

            await Task.Delay(Interval);
            var now = count();
            if (now != last)
            {
                (last, since) = (now, DateTime.UtcNow);
            }
        }

        return last;
    }
}
