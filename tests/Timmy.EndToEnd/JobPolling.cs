using System.Text.Json;

namespace Timmy.EndToEnd;

internal static class JobPolling
{
    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>A client's "poll": work runs in the background, so it polls past evaluating and executing.</summary>
    public static async Task<JsonElement> PollUntilSettledAsync(this HttpClient client, string jobId)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var job = await (await client.GetAsync($"/api/jobs/{jobId}")).ReadJsonAsync();
            if (job.GetProperty("state").GetString() is not ("evaluating" or "executing"))
            {
                return job;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Job {jobId} stayed in progress");
    }
}
