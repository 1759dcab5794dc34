using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Timmy.Api.Agent;
using Timmy.Api.Chat;
using Timmy.Api.Sessions;
using Timmy.Tests.Chat;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.OpenAI;

/// <summary>
/// A reservation older than <see cref="SessionReservations.AbandonedAfter"/> is presumed abandoned by the next request
/// on its balance and given back uncharged, so a stream still running then would be served free. A metered stream is
/// cut at half that age instead, and settles at what it produced. On a fake clock, with a model that never finishes.
/// </summary>
public sealed class ReservationDeadlineTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
    private readonly StreamingChatClientDouble _model = new("Partial ", "answer ") { FirstCallWaitsForCancellation = true };
    private readonly TimmyFactory _factory;
    private readonly HttpClient _client;

    public ReservationDeadlineTests()
    {
        _factory = new TimmyFactory
        {
            Settings = { ["Sessions:MinimumBalanceSats"] = "1" },
            TestServices = s => s.AddSingleton<TimeProvider>(_clock)
                .AddKeyedSingleton<IChatClient>(AgentKeys.Work, _model).AddKeyedSingleton<IChatClient>(ChatKeys.Chat, _model),
        };
        _client = _factory.CreateClient();
    }

    private TimeSpan AbandonedAfter
    {
        get
        {
            using var scope = _factory.Services.CreateScope();
            return scope.ServiceProvider.GetRequiredService<SessionReservations>().AbandonedAfter;
        }
    }

    [Fact]
    public async Task A_v1_stream_is_cut_at_its_time_limit_and_charged_before_its_reservation_could_be_presumed_abandoned()
    {
        var (authorization, sessionId) = await _client.BuyKeyAsync(_factory);
        var request = new HttpRequestMessage(HttpMethod.Post, V1Client.Completions) { Content = JsonContent.Create(V1Client.Ask(stream: true)) };
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        var rest = await OutliveTheReservationAsync(response);
        // Another request on the balance, past the age at which the stream's reservation would be presumed abandoned.
        var next = await (await _client.CompleteAsync(authorization, V1Client.Ask(stream: true))).ReadEventsAsync();

        await AssertTheCutCallWasChargedAsync(sessionId);
        Assert.Equal("[DONE]", next[^1]);
        Assert.Contains("\"code\":\"timeout\"", await rest);
        Assert.DoesNotContain("[DONE]", await rest);
    }

    [Fact]
    public async Task A_chat_reply_is_cut_at_its_time_limit_and_charged_before_its_reservation_could_be_presumed_abandoned()
    {
        var (authorization, sessionId) = await _client.BuyKeyAsync(_factory);
        _client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        var conversation = await _client.CreateConversationAsync();
        using var response = await _client.StartMessageAsync(conversation, new { content = "Tell me a long story" });

        var rest = await OutliveTheReservationAsync(response);
        var next = ChatApiClient.Summarize(await _client.SendMessageAsync(conversation, "And another"));

        await AssertTheCutCallWasChargedAsync(sessionId);
        Assert.True(next.Done);
        Assert.Contains("limit", await rest);
    }

    /// <summary>
    /// Reads the stream's first chunks, then lets time pass: half the abandonment age (where the stream is cut), then
    /// all of it. A stream that does not end is left running, as a slow one would be. Returns the rest of the stream.
    /// </summary>
    private async Task<Task<string>> OutliveTheReservationAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var seen = "";
        while (!seen.Contains("answer ", StringComparison.Ordinal))
        {
            seen += await reader.ReadLineAsync() + "\n";
        }

        _clock.Advance(AbandonedAfter / 2);
        var rest = reader.ReadToEndAsync();
        await Task.WhenAny(rest, Task.Delay(TimeSpan.FromSeconds(10)));
        _clock.Advance(AbandonedAfter);
        return rest;
    }

    private async Task AssertTheCutCallWasChargedAsync(Guid sessionId)
    {
        var requests = await _factory.WithDbAsync(db => db.SessionRequests.AsNoTracking().OrderBy(r => r.CreatedAt).ToListAsync());
        Assert.Equal(2, requests.Count);
        var cut = requests[0];
        Assert.True(cut.WorkSats > 0, $"the stream was charged nothing: {cut.ErrorMessage}");
        Assert.Equal(SessionRequestOutcome.Failed, cut.Outcome);
        Assert.Contains("limit", cut.ErrorMessage);
        var session = await _factory.SessionAsync(sessionId);
        Assert.Equal(0, session.ReservedSats);
        Assert.Equal(1000 - requests.Sum(r => r.WorkSats), session.BalanceSats);
        Assert.Equal(session.BalanceSats, await _factory.LedgerSumAsync(sessionId));
    }

    public void Dispose() => _factory.Dispose();
}
