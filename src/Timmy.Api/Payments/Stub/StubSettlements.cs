using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Timmy.Api.Payments.Stub;

/// <summary>
/// The stub node's notification feed: <see cref="StubPaymentBackend.SimulatePaymentAsync"/> announces each
/// settled hash here, and the watcher listens as it would to LNbits' WebSocket. Bounded and lossy on
/// purpose: the watcher's poll catches anything dropped.
/// </summary>
public sealed class StubSettlements : IInvoiceListener
{
    private const int Capacity = 1024;

    private readonly Channel<string> _settled = Channel.CreateBounded<string>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest });

    public void Announce(string paymentHash) => _settled.Writer.TryWrite(paymentHash);

    public async IAsyncEnumerable<string> ListenAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var hash in _settled.Reader.ReadAllAsync(cancellationToken))
        {
            yield return hash;
        }
    }
}
