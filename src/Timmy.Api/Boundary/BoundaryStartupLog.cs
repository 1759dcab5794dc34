using Microsoft.Extensions.Options;
using Timmy.Api.Chat;

namespace Timmy.Api.Boundary;

/// <summary>Says loudly at startup when chat and images are free: anyone can then spend the operator's model.</summary>
public sealed partial class BoundaryStartupLog(IOptions<ChatSettings> chat, ILogger<BoundaryStartupLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (chat.Value.Free)
        {
            LogFree();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Warning,
        "Chat:Free=true: CHAT AND IMAGES ARE FREE AND UNOWNED. Anyone who reaches this server uses your model at your cost and " +
        "can read and delete every conversation. Only run this behind your own authentication.")]
    private partial void LogFree();
}
