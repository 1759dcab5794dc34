using System.Net;
using System.Text;
using System.Text.Json;

namespace Timmy.Bench;

/// <summary>
/// A job's Server-Sent Events stream (<c>GET /api/jobs/{id}/events</c>), read the way a browser's EventSource
/// would: each event's <c>data:</c> lines make one job, and the stream ends when the job is final.
/// </summary>
public sealed class JobEventStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private JobEventStream(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body, Encoding.UTF8);
    }

    public static async Task<JobEventStream> OpenAsync(HttpClient http, string jobId, CancellationToken cancellationToken)
    {
        var response = await http.GetAsync($"/api/jobs/{jobId}/events", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            response.Dispose();
            throw new HttpRequestException($"GET /api/jobs/{jobId}/events: expected 200, got {(int)response.StatusCode}: {body}", null, response.StatusCode);
        }

        return new JobEventStream(response, await response.Content.ReadAsStreamAsync(cancellationToken));
    }

    /// <summary>The next job event, or null when the server ended the stream.</summary>
    public async Task<JobView?> NextAsync(CancellationToken cancellationToken)
    {
        var data = new StringBuilder();
        while (await _reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Append(line.AsSpan(5).TrimStart(' '));
            }
            else if (line.Length == 0 && data.Length > 0)
            {
                return JobView.Parse(data.ToString());
            }
        }

        return null;
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
