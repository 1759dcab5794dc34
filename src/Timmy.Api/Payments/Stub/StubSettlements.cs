using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Timmy.Api.Payments.Stub;

/// <summary>
/// The stub node's notification feed: <see cref="StubPaymentBackend.SimulatePaymentAsync"/> announces each
/// settled hash here, and the watcher listens as it would to LNbits' WebSocket. Unbounded, as a node's feed
/// keeps up with its own payments: a burst of simulated payments is announced in full, not left to the
/// watcher's slow safety poll.
/// </summary>
public sealed class StubSettlements : IInvoiceListener
{
    private readonly Channel<string> _settled = Channel.CreateUnbounded<string>();

    public void Announce(string paymentHash) => _settled.Writer.TryWrite(paymentHash);

    public async IAsyncEnumerable<string> ListenAsync(Action connected, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        connected();
        await foreach (var hash in _settled.Reader.ReadAllAsync(cancellationToken))
        {
            yield return hash;
        }
    }
}
