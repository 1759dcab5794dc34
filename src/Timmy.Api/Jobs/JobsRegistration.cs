using Timmy.Api.Payments;

namespace Timmy.Api.Jobs;

public static class JobsRegistration
{
    public static IServiceCollection AddTimmyJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<JobOptions>(configuration.GetSection(JobOptions.Section));
        services.Configure<JobEventsOptions>(configuration.GetSection(JobEventsOptions.Section));
        services.AddScoped<JobIntake>();
        services.AddSingleton<JobReads>();
        services.AddSingleton<JobTransitions>();
        services.AddScoped<JobAdvancer>();
        services.AddSingleton<IPaymentEvents, JobPaymentEvents>();
        services.AddSingleton<JobWorker>();
        services.AddHostedService(provider => provider.GetRequiredService<JobWorker>());
        services.AddSingleton<JobProcessor>();
        services.AddScoped<JobLeases>();
        services.AddSingleton<JobChanges>();
        services.AddHostedService(provider => provider.GetRequiredService<JobChanges>());
        services.AddSingleton<FinishedJobCache>();
        services.AddScoped<RefundClaims>();
        return services;
    }
}
