namespace Timmy.Api.Jobs;

public sealed class JobOptions
{
    public const string Section = "Jobs";

    public long EvalFeeSats { get; set; } = 10;

    /// <summary>The longest request accepted, in characters.</summary>
    public int MaxRequestChars { get; set; } = 4000;

    public int InvoiceExpirySeconds { get; set; } = 3600;

    public TimeSpan InvoiceExpiry => TimeSpan.FromSeconds(InvoiceExpirySeconds);

    /// <summary>How long a finished job's answer is served from memory to repeated polls; 0 turns it off.</summary>
    public int FinishedJobCacheMilliseconds { get; set; } = 1000;

    /// <summary>Jobs one instance works on at once. Model calls are async, so this can be large.</summary>
    public int WorkerConcurrency { get; set; } = 256;

    /// <summary>
    /// How long a worker holds a job before another may presume it dead. The worker renews it every third of this while
    /// it works, so only a worker that died loses its job, and a model call may take longer than this.
    /// </summary>
    public int LeaseSeconds { get; set; } = 300;

    /// <summary>How often each instance records that it is alive (one row per instance, see <c>Instances/InstanceHeartbeat</c>).</summary>
    public int HeartbeatSeconds { get; set; } = 5;

    /// <summary>
    /// An instance silent this long is presumed dead and its jobs in progress are taken up again, long before their
    /// leases run out. At least twice <see cref="HeartbeatSeconds"/>; clocks of instances on different hosts must agree well within it.
    /// </summary>
    public int InstanceStaleSeconds { get; set; } = 15;

    /// <summary>How often workers look for work besides being woken, which is how abandoned jobs are found.</summary>
    public int WorkerScanMilliseconds { get; set; } = 1000;

    /// <summary>
    /// A job taken up more often than this (its workers kept dying, or its model kept failing transiently) fails,
    /// with the paid work owed back.
    /// </summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>
    /// After a transient model failure (overloaded, rate-limited, unreachable) the job is tried again this long
    /// later, doubling each time, until <see cref="MaxAttempts"/>; the provider's SDK has already retried within the call.
    /// </summary>
    public int ModelRetryMilliseconds { get; set; } = 15_000;
}
