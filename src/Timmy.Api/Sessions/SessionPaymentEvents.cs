using Microsoft.EntityFrameworkCore;
using Timmy.Api.Data;
using Timmy.Api.Payments;

namespace Timmy.Api.Sessions;

/// <summary>
/// Sessions' side of <see cref="IPaymentEvents"/>: a deposit or top-up that may be paid goes to
/// <see cref="SessionAdvancer.AdvanceAsync"/>, and withdrawals left paying to <see cref="SessionWithdrawals.ReconcileAsync"/>.
/// </summary>
public sealed class SessionPaymentEvents(IServiceScopeFactory scopes) : IPaymentEvents
{
    public async Task InvoiceMayBePaidAsync(PaymentOwner owner, CancellationToken cancellationToken)
    {
        if (!owner.IsSession)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<SessionAdvancer>().AdvanceAsync(owner.Id, cancellationToken);
    }

    public async Task SettlePayoutsAsync(PayoutLookup lookUp, TimeSpan unknownAfter, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var withdrawals = await scope.ServiceProvider.GetRequiredService<TimmyDbContext>().SessionWithdrawals.AsNoTracking()
            .Where(w => w.State == SessionWithdrawalState.Paying)
            .OrderBy(w => w.CreatedAt)
            .ToListAsync(cancellationToken);
        var reconciler = scope.ServiceProvider.GetRequiredService<SessionWithdrawals>();
        foreach (var withdrawal in withdrawals)
        {
            await lookUp(withdrawal.Id, () => reconciler.ReconcileAsync(withdrawal, unknownAfter, cancellationToken));
        }
    }
}
