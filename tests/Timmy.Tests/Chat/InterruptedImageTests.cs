using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Timmy.Api.Chat;
using Timmy.Api.Sessions;
using Timmy.Tests.Boundary;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Chat;

/// <summary>
/// A client that leaves while its image is drawn: the call is cancelled and its reservation settled at once,
/// uncharged, instead of sitting reserved until it is presumed abandoned.
/// </summary>
public sealed class InterruptedImageTests
{
    [Fact]
    public async Task A_client_leaving_mid_draw_frees_its_reservation_at_once_and_pays_nothing()
    {
        var painter = new PainterWaitingForCancellation();
        using var factory = new TimmyFactory { TestServices = s => s.AddKeyedSingleton<IImageGenerator>(ChatKeys.Images, painter) };
        var client = factory.CreateClient();
        var (authorization, _, _) = await client.BuyL402Async();
        using var leave = new CancellationTokenSource();

        var drawing = client.SendAsync(new HttpRequestMessage(HttpMethod.Post, Buyer.Image)
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { prompt = "A lighthouse at dusk" }),
            Headers = { { "Authorization", authorization } },
        }, leave.Token);
        await painter.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True((await factory.WithDbAsync(db => db.Sessions.SingleAsync())).ReservedSats > 0, "the image is reserved while drawn");
        await leave.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => drawing);

        await painter.Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var after = await Eventually.ReturnsAsync(() => factory.WithDbAsync(db => db.Sessions.SingleAsync()), s => s.ReservedSats == 0);
        var ledger = await factory.WithDbAsync(db => db.SessionLedger.Select(e => new { e.Kind, e.AmountSats }).ToListAsync());
        Assert.DoesNotContain(ledger, e => e.Kind == LedgerEntryKind.UsageDebit);
        Assert.True(after.BalanceSats > 0);
        Assert.Equal(ledger.Sum(e => e.AmountSats), after.BalanceSats);
    }

    private sealed class PainterWaitingForCancellation : IImageGenerator
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<ImageGenerationResponse> GenerateAsync(ImageGenerationRequest request, ImageGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            Started.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            finally
            {
                Cancelled.TrySetResult();
            }

            throw new InvalidOperationException("unreachable");
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
