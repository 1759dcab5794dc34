using Timmy.Api.Hosting;

namespace Timmy.Api.Jobs;

/// <summary>Wakes this instance's <see cref="JobWorker"/> when a payment makes work available, so it need not wait for its next scan.</summary>
public sealed class JobWorkSignal : Wakeup;
