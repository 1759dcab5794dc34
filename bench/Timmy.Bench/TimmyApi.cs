using System.Net;
using System.Text;
using System.Text.Json;

namespace Timmy.Bench;

public sealed record CreatedJob(string JobId, string EvalPaymentHash);

public sealed record JobView(string State, string? WorkPaymentHash);

/// <summary>Timmy's job endpoints as a client uses them, counting and timing every request.</summary>
public sealed class TimmyApi(HttpClient http)
{
    /// <summary>The README's walkthrough request; the offline eval model accepts it.</summary>
    public const string CreateBody = """{"request":"Explain the Lightning Network in two sentences"}""";

    private long _requests;

    public Latencies RequestLatencies { get; } = new();

    public long Requests => Interlocked.Read(ref _requests);

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
        using var json = await SendAsync(HttpMethod.Post, "/api/jobs", CreateBody, HttpStatusCode.Created, cancellationToken);
        var root = json.RootElement;
        return new CreatedJob(
            root.GetProperty("jobId").GetString()!,
            root.GetProperty("evalInvoice").GetProperty("paymentHash").GetString()!);
    }

    /// <summary>Settles a stub invoice through the dev endpoint, as a wallet paying it would.</summary>
    public async Task PayAsync(string paymentHash, CancellationToken cancellationToken)
    {
        using var _ = await SendAsync(HttpMethod.Post, $"/api/dev/stub/pay/{paymentHash}", null, HttpStatusCode.OK, cancellationToken);
    }

    public async Task<JobView> GetJobAsync(string jobId, CancellationToken cancellationToken)
    {
        using var json = await SendAsync(HttpMethod.Get, $"/api/jobs/{jobId}", null, HttpStatusCode.OK, cancellationToken);
        var root = json.RootElement;
        var workHash = root.TryGetProperty("workInvoice", out var work) && work.TryGetProperty("paymentHash", out var hash)
            ? hash.GetString()
            : null;
        return new JobView(root.GetProperty("state").GetString()!, workHash);
    }

    private async Task<JsonDocument> SendAsync(
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
                    $"{method} {path}: expected {(int)expected}, got {(int)response.StatusCode}: {Encoding.UTF8.GetString(bytes)}");
            }

            return JsonDocument.Parse(bytes);
        });
    }
}
