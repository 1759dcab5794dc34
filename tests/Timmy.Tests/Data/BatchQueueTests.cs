using System.Collections.Concurrent;
using Timmy.Api.Data;

namespace Timmy.Tests.Data;

/// <summary>The loop behind group commits and batched job looks.</summary>
public sealed class BatchQueueTests
{
    private static readonly AsyncLocal<string?> CallerScope = new();

    [Fact]
    public async Task Items_from_many_callers_are_all_handled_in_batches_no_larger_than_the_limit()
    {
        var handled = new ConcurrentBag<int>();
        var batchSizes = new ConcurrentBag<int>();
        var queue = new BatchQueue<int>(8, batch =>
        {
            batchSizes.Add(batch.Count);
            batch.ForEach(handled.Add);
            return Task.Delay(1);
        });

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => queue.Add(i))));
        await queue.DisposeAsync();

        Assert.Equal(Enumerable.Range(0, 200), handled.Order());
        Assert.All(batchSizes, size => Assert.InRange(size, 1, 8));
    }

    [Fact]
    public async Task The_loop_does_not_carry_the_context_of_the_caller_that_started_it()
    {
        string? seenByLoop = "unset";
        var queue = new BatchQueue<int>(8, _ =>
        {
            seenByLoop = CallerScope.Value;
            return Task.CompletedTask;
        });

        CallerScope.Value = "first request";
        queue.Add(1);
        await queue.DisposeAsync();

        Assert.Null(seenByLoop);
    }

    [Fact]
    public async Task A_caller_whose_context_flow_is_already_suppressed_can_start_the_loop()
    {
        var handled = 0;
        var queue = new BatchQueue<int>(8, batch =>
        {
            Interlocked.Add(ref handled, batch.Count);
            return Task.CompletedTask;
        });

        using (ExecutionContext.SuppressFlow())
        {
            queue.Add(1);
        }

        await queue.DisposeAsync();
        Assert.Equal(1, handled);
    }
}
