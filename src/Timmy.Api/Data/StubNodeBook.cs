using Microsoft.EntityFrameworkCore;
using Timmy.Api.Payments.Stub;

namespace Timmy.Api.Data;

/// <summary>
/// The stub node's invoices on the fast path: the stub issues and settles an invoice for every job's eval and work,
/// so at scale its writes join group commits and its look-ups are batched (<see cref="GroupCommit"/>,
/// <see cref="BatchedLookup{TKey, TRow}"/>), and thousands of callers do not each keep a pooled context while they wait.
/// </summary>
public sealed class StubNodeBook(IServiceScopeFactory scopes, GroupCommit commits) : IAsyncDisposable
{
    private readonly BatchedLookup<string, StubInvoice> _invoices = new(
        scopes,
        (db, hashes) => db.StubInvoices.AsNoTracking().Where(i => EF.Parameter(hashes).Contains(i.PaymentHash)).ToListAsync(CancellationToken.None),
        invoice => invoice.PaymentHash);

    public Task AddAsync(StubInvoice invoice, CancellationToken cancellationToken) =>
        commits.RunAsync(db => RowInsert.ExecuteAsync(db, invoice, CancellationToken.None), cancellationToken);

    /// <summary>The invoice as stored; null if the stub never issued it.</summary>
    public Task<StubInvoice?> FindAsync(string paymentHash, CancellationToken cancellationToken) => _invoices.FindAsync(paymentHash, cancellationToken);

    /// <summary>Marks the invoice settled at <paramref name="now"/>, once: true only for the call that settled it.</summary>
    public async Task<bool> TrySettleAsync(string paymentHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        await commits.RunAsync(db => new ConditionalUpdate<StubInvoice>()
            .SetProperty(i => i.SettledAt, now)
            .Where(i => i.PaymentHash, paymentHash)
            .Where(i => i.SettledAt, null)
            .ExecuteAsync(db, CancellationToken.None), cancellationToken, lockKey: paymentHash) > 0;

    public ValueTask DisposeAsync() => _invoices.DisposeAsync();
}
