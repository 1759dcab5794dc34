using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;

namespace Timmy.Tests.Infrastructure;

/// <summary>Reads <c>GET /api/jobs/{id}/events</c> one event at a time, as an EventSource would.</summary>
public sealed class JobEventStream : IAsyncDisposable
{
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(15);
    private readonly HttpResponseMessage _response;
    private readonly IAsyncEnumerator<SseItem<string>> _events;

    private JobEventStream(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _events = SseParser.Create(body).EnumerateAsync().GetAsyncEnumerator();
    }

    public HttpResponseMessage Response => _response;

    public static async Task<JobEventStream> OpenAsync(HttpClient client, string jobId)
    {
        var response = await client.GetAsync($"/api/jobs/{jobId}/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new JobEventStream(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>The next event's job, or null when the server ended the stream.</summary>
    public async Task<JsonElement?> NextAsync()
    {
        var next = _events.MoveNextAsync().AsTask();
        if (await Task.WhenAny(next, Task.Delay(EventTimeout)) != next)
        {
            throw new TimeoutException($"No event or end of stream within {EventTimeout}");
        }

        if (!await next)
        {
            return null;
        }

        Assert.Equal("job", _events.Current.EventType);
        return JsonDocument.Parse(_events.Current.Data).RootElement.Clone();
    }

    /// <summary>Reads events until one has the given state.</summary>
    public async Task<JsonElement> NextWithStateAsync(string state)
    {
        while (await NextAsync() is { } job)
        {
            if (job.Str("state") == state)
            {
                return job;
            }
        }

        throw new InvalidOperationException($"The stream ended before the job reached {state}");
    }

    public async ValueTask DisposeAsync()
    {
        _response.Dispose();
        try
        {
            await _events.DisposeAsync();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The response is already gone.
        }
    }
}
