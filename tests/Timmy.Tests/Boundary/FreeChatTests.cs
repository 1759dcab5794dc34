using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Timmy.Tests.Chat;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Boundary;

/// <summary>Chat:Free brings back the seed's open chat, loudly; without it, chat and images are paid.</summary>
public sealed class FreeChatTests
{
    [Fact]
    public async Task By_default_chat_and_images_need_payment_and_nothing_is_stored_unpaid()
    {
        using var factory = new TimmyFactory();
        var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.PaymentRequired, (await client.PostAsJsonAsync(ChatApiClient.Conversations, new { title = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.PaymentRequired, (await client.GetAsync(ChatApiClient.Conversations)).StatusCode);
        Assert.Equal(HttpStatusCode.PaymentRequired, (await client.PostAsJsonAsync(Buyer.Image, new { prompt = "x" })).StatusCode);
        Assert.Equal(0, await factory.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Conversations)));
    }

    [Fact]
    public async Task Chat_free_is_open_and_says_so_loudly_at_startup()
    {
        using var factory = new TimmyFactory { Settings = { ["Chat:Free"] = "true" }, TestServices = services => services.AddFakeLogging() };
        var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync(ChatApiClient.Conversations, new { title = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync(Buyer.Image, new { prompt = "x" })).StatusCode);
        Assert.Contains(factory.Services.GetFakeLogCollector().GetSnapshot(),
            r => r.Level == LogLevel.Warning && r.Message.Contains("Chat:Free=true", StringComparison.Ordinal));
    }
}
