namespace Timmy.Api.Payments;

/// <summary>
/// The optional "listen" half of a payment backend: a stream of payment hashes that the node reports as
/// settled. A hint, not a verdict: the watcher still asks <see cref="IPaymentBackend"/> before moving a job,
/// so a duplicate or spurious notification is harmless.
/// </summary>
public interface IInvoiceListener
{
    /// <summary>
    /// Yields payment hashes (lower-case hex) as they settle; ends or throws when the connection drops. Calls
    /// <paramref name="connected"/> once the feed is up, so the watcher may poll less while it lasts.
    /// </summary>
    IAsyncEnumerable<string> ListenAsync(Action connected, CancellationToken cancellationToken);
}
