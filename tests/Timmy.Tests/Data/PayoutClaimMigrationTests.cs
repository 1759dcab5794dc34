using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Timmy.Api.Jobs;
using Timmy.Api.Payments;
using Timmy.Api.Sessions;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Data;

/// <summary>
/// A database upgraded to payout claims starts with a claim on the invoice of every payout already paying or paid,
/// so an invoice used before the upgrade cannot be paid again after it.
/// </summary>
public sealed class PayoutClaimMigrationTests : IDisposable
{
    // The payout reconciler stays away, so the payouts seeded below are still paying when the migration runs.
    private readonly TimmyFactory _factory = new() { Settings = { ["Lightning:PayoutCheckSeconds"] = "3600" } };

    [Fact]
    public async Task Upgrading_claims_the_invoices_of_payouts_already_paying_or_paid_and_no_others()
    {
        var client = _factory.CreateClient();
        var paying = Hash();
        var failed = Hash();
        var withdrawn = Hash();
        var jobId = Guid.Parse((await client.RunJobAsync("Explain the Lightning Network in two sentences")).Str("jobId"));
        var (sessionId, _) = await client.ActiveSessionAsync(1000);
        var paid = Withdrawal(sessionId, withdrawn, SessionWithdrawalState.Paid);
        // Recent, so no reconciler pass gives the refund back first; whole seconds, stored exactly by either database.
        var attemptedAt = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        await _factory.WithDbAsync(async db =>
        {
            await db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(set => set
                .SetProperty(j => j.RefundState, RefundState.Paying)
                .SetProperty(j => j.RefundPaymentHash, paying)
                .SetProperty(j => j.RefundAttemptedAt, attemptedAt));
            db.SessionWithdrawals.AddRange(paid, Withdrawal(sessionId, failed, SessionWithdrawalState.Reversed));
            return await db.SaveChangesAsync();
        });

        await _factory.WithDbAsync(async db =>
        {
            var migrator = db.GetService<IMigrator>();
            await migrator.MigrateAsync("PayoutsAndWithdrawals");
            await migrator.MigrateAsync();
            return 0;
        });

        var claims = await _factory.WithDbAsync(db => db.PayoutClaims.AsNoTracking().OrderBy(c => c.Purpose).ToListAsync());
        Assert.Equal(
            [(paying, PayoutPurpose.Refund, jobId, attemptedAt), (withdrawn, PayoutPurpose.Withdrawal, paid.Id, paid.CreatedAt)],
            claims.Select(c => (c.PaymentHash, c.Purpose, c.PayoutOf, c.ClaimedAt)));
    }

    private static string Hash() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    private static SessionWithdrawal Withdrawal(string sessionId, string hash, SessionWithdrawalState state) => new()
    {
        Id = Guid.NewGuid(), SessionId = Guid.Parse(sessionId), AmountSats = 1000, PaymentHash = hash, State = state,
        CreatedAt = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()),
    };

    public void Dispose() => _factory.Dispose();
}
