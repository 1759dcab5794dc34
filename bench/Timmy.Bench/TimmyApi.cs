using System.Net;
using System.Text;
using System.Text.Json;

namespace Timmy.Bench;

public sealed record CreatedJob(string JobId, string EvalPaymentHash);

public sealed record JobView(string State, string? WorkPaymentHash)
{
    public static JobView Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return From(document.RootElement);
    }

    public static JobView From(JsonElement job)
    {
        var workHash = job.TryGetProperty("workInvoice", out var work) && work.TryGetProperty("paymentHash", out var hash)
            ? hash.GetString()
            : null;
        return new JobView(job.GetProperty("state").GetString()!, workHash);
    }
}

/// <summary>Timmy's job endpoints as a client uses them, counting and timing every request.</summary>
public sealed class TimmyApi(HttpClient http)
{
    /// <summary>The README's walkthrough request; the offline eval model accepts it.</summary>
    public const string CreateBody = """{"request":"Explain the Lightning Network in two sentences"}""";

    private const int MaxAttempts = 3;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    private long _requests;
    private long _retries;

    public Latencies RequestLatencies { get; } = new();

    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Idempotent requests sent again after their connection failed.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>An exception's message with those of its inner exceptions, which say what actually went wrong.</summary>
    public static string Describe(Exception ex) =>
        string.Join(" → ", Enumerable.Repeat(ex, 1).Concat(Inner(ex)).Select(e => e.Message).Distinct());

    private static IEnumerable<Exception> Inner(Exception ex)
    {
        for (var inner = ex.InnerException; inner is not null; inner = inner.InnerException)
        {
            yield return inner;
        }
    }

    public static HttpClient CreateHttpClient(Uri baseAddress, int maxConnections) =>
        new(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            ConnectTimeout = TimeSpan.FromSeconds(60),
        })
        {
            BaseAddress = baseAddress,
            // Callers bound their runs with cancellation tokens; a slow answer under load is a measurement, not an error.
            Timeout = Timeout.InfiniteTimeSpan,
        };

    public async Task<CreatedJob> CreateJobAsync(CancellationToken cancellationToken)
    {
        using var json = await SendAsync(HttpMethod.Post, "/api/jobs", CreateBody, HttpStatusCode.Created, idempotent: false, cancellationToken);
        var root = json.RootElement;
        return new CreatedJob(
            root.GetProperty("jobId").GetString()!,
            root.GetProperty("evalInvoice").GetProperty("paymentHash").GetString()!);
    }

    /// <summary>Settles a stub invoice through the dev endpoint, as a wallet paying it would.</summary>
    public async Task PayAsync(string paymentHash, CancellationToken cancellationToken)
    {
        using var _ = await SendAsync(HttpMethod.Post, $"/api/dev/stub/pay/{paymentHash}", null, HttpStatusCode.OK, idempotent: true, cancellationToken);
    }

    public async Task<JobView> GetJobAsync(string jobId, CancellationToken cancellationToken)
    {
        using var json = await SendAsync(HttpMethod.Get, $"/api/jobs/{jobId}", null, HttpStatusCode.OK, idempotent: true, cancellationToken);
        return JobView.From(json.RootElement);
    }

    private async Task<JsonDocument> SendAsync(
        HttpMethod method, string path, string? body, HttpStatusCode expected, bool idempotent, CancellationToken cancellationToken)
    {
        // Polls and stub payments are idempotent, so like a real client we try them again when the connection
        // fails (a burst of thousands of new connections can overflow the server's accept queue); creating a job is not.
        var attempts = idempotent ? MaxAttempts : 1;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await SendOnceAsync(method, path, body, expected, cancellationToken);
            }
            catch (HttpRequestException ex) when (ex.StatusCode is null && attempt < attempts)
            {
                Interlocked.Increment(ref _retries);
                await Task.Delay(RetryDelay * attempt, cancellationToken);
            }
        }
    }

    private async Task<JsonDocument> SendOnceAsync(
        HttpMethod method, string path, string? body, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        Interlocked.Increment(ref _requests);
        return await RequestLatencies.TimeAsync(async () =>
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (response.StatusCode != expected)
            {
                throw new HttpRequestException(
                    $"{method} {path}: expected {(int)expected}, got {(int)response.StatusCode}: {Encoding.UTF8.GetString(bytes)}",
                    null,
                    response.StatusCode);
            }

            return JsonDocument.Parse(bytes);
        });
    }
}
