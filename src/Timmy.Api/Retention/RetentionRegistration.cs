using Timmy.Api.Payments.Watching;

namespace Timmy.Api.Retention;

public static class RetentionRegistration
{
    public static IServiceCollection AddTimmyRetention(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RetentionOptions>()
            .Bind(configuration.GetSection(RetentionOptions.Section))
            .Validate(o => o.UnpaidDays >= 1, "Retention:UnpaidDays must be at least 1")
            .Validate(o => o.SweepIntervalMinutes >= 1, "Retention:SweepIntervalMinutes must be at least 1")
            .Validate(o => o.BatchSize >= 1, "Retention:BatchSize must be at least 1")
            .ValidateOnStart();
        // The sweeper keeps anything still payable, so it reads the invoices' expiry even when the watcher is off.
        services.Configure<InvoiceWatchOptions>(configuration.GetSection(InvoiceWatchOptions.Section));
        services.AddScoped<UnpaidRecords>();
        services.AddSingleton<RetentionSweeper>();
        services.AddHostedService(provider => provider.GetRequiredService<RetentionSweeper>());
        return services;
    }
}
