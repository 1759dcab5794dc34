using Timmy.Api.Jobs;

namespace Timmy.Api.Instances;

public static class InstancesRegistration
{
    /// <summary>
    /// The heartbeat that lets instances take up each other's jobs after a crash. Register it before the job worker's
    /// hosted service: hosted services stop in reverse order, so it keeps beating while the worker drains.
    /// </summary>
    public static IServiceCollection AddTimmyInstanceHeartbeat(this IServiceCollection services)
    {
        services.AddOptions<JobOptions>()
            .Validate(o => o.HeartbeatSeconds > 0, "Jobs:HeartbeatSeconds must be positive")
            .Validate(o => o.InstanceStaleSeconds >= 2 * o.HeartbeatSeconds, "Jobs:InstanceStaleSeconds must be at least twice Jobs:HeartbeatSeconds, or a late beat would look like a dead instance")
            .ValidateOnStart();
        services.AddScoped<InstanceRegistry>();
        services.AddHostedService<InstanceHeartbeat>();
        return services;
    }
}
