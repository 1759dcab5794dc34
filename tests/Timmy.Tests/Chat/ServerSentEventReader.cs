using System.Text.Json;

namespace Timmy.Tests.Chat;

/// <summary>
/// Reads a text/event-stream as it arrives and checks its framing on the way: every event is exactly
/// one <c>data: &lt;json&gt;</c> line followed by a blank line.
/// </summary>
public sealed class ServerSentEventReader(Stream stream) : IDisposable
{
    private const string DataPrefix = "data: ";

    private readonly StreamReader _reader = new(stream);

    /// <summary>The next event's JSON, or null at the end of the stream.</summary>
    public async Task<JsonElement?> NextAsync(CancellationToken cancellationToken = default)
    {
        var line = await _reader.ReadLineAsync(cancellationToken);
        if (line is null)
        {
            return null;
        }

        Assert.StartsWith(DataPrefix, line);
        Assert.Equal(string.Empty, await _reader.ReadLineAsync(cancellationToken));
        return JsonDocument.Parse(line[DataPrefix.Length..]).RootElement.Clone();
    }

    public async Task<List<JsonElement>> ReadToEndAsync()
    {
        var events = new List<JsonElement>();
        while (await NextAsync() is { } next)
        {
            events.Add(next);
        }

        return events;
    }

    public void Dispose() => _reader.Dispose();
}
