using Microsoft.Extensions.DependencyInjection;
using Timmy.Api.Payments;

namespace Timmy.Tests.Infrastructure;

/// <summary>Helpers for tests that drive a payment backend directly, as the app registered it.</summary>
public static class PaymentBackends
{
    /// <summary>The settings with some replaced; the invoice watcher is off unless a test turns it on.</summary>
    public static Dictionary<string, string?> With(this Dictionary<string, string?> settings, params (string Key, string? Value)[] overrides)
    {
        var result = new Dictionary<string, string?>(settings) { ["Lightning:WatchInvoices"] = "false" };
        foreach (var (key, value) in overrides)
        {
            result[key] = value;
        }

        return result;
    }

    public static async Task<T> UseBackendAsync<T>(this TimmyFactory factory, Func<IPaymentBackend, Task<T>> use)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await use(scope.ServiceProvider.GetRequiredService<IPaymentBackend>());
    }

    /// <summary>Starts the app on these settings just long enough to use its payment backend once.</summary>
    public static async Task<T> UseBackendAsync<T>(this Dictionary<string, string?> settings, Func<IPaymentBackend, Task<T>> use)
    {
        using var factory = new TimmyFactory { Settings = settings };
        return await factory.UseBackendAsync(use);
    }

    public static InvoiceRequest InvoiceOf(long sats) => new(sats, "test", TimeSpan.FromHours(1));
}
