namespace Timmy.Api.Instances;

/// <summary>
/// A running Timmy process, known by the owner id its worker leases jobs under (<see cref="Jobs.JobWorker.InstanceId"/>,
/// new at every start), and when it last said it was alive. One row per process, written every few seconds, lets
/// the others tell quickly that it died, without each job's lease being renewed that often.
/// </summary>
public sealed class Instance
{
    public const string Table = "instances";

    public required string Id { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset HeartbeatAt { get; set; }
}
