namespace Timmy.Api.Data;

/// <summary>A named secret generated on first run and shared by every instance through the database.</summary>
public sealed class ServerSecret
{
    public required string Name { get; init; }

    public required byte[] Value { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}
