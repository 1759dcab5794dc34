using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Timmy.Api.Sessions;

namespace Timmy.Api.Data.Configurations;

internal sealed class SessionConfiguration : IEntityTypeConfiguration<Session>
{
    public void Configure(EntityTypeBuilder<Session> session)
    {
        session.ToTable("sessions");
        session.HasKey(s => s.Id);
        session.Property(s => s.State).HasConversion<string>().HasMaxLength(32);
        session.HasIndex(s => s.State);
        session.Ignore(s => s.DepositInvoice);
        session.Ignore(s => s.PendingTopup);
        session.HasMany(s => s.Invoices).WithOne().HasForeignKey(i => i.SessionId).OnDelete(DeleteBehavior.Cascade);
        session.ToTable(t => t.HasCheckConstraint("ck_sessions_balance_not_negative", "\"BalanceSats\" >= 0 AND \"ReservedSats\" >= 0"));
    }
}

internal sealed class SessionLedgerEntryConfiguration : IEntityTypeConfiguration<SessionLedgerEntry>
{
    public void Configure(EntityTypeBuilder<SessionLedgerEntry> entry)
    {
        entry.ToTable("session_ledger");
        entry.HasKey(e => e.Id);
        entry.Property(e => e.Kind).HasConversion<string>().HasMaxLength(32);
        entry.HasIndex(e => e.SessionId);
        // A payment is credited once, however many pollers see it paid.
        entry.HasIndex(e => e.InvoiceId).IsUnique();
        entry.HasOne<Session>().WithMany().HasForeignKey(e => e.SessionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SessionRequestConfiguration : IEntityTypeConfiguration<SessionRequest>
{
    public void Configure(EntityTypeBuilder<SessionRequest> request)
    {
        request.ToTable("session_requests");
        request.HasKey(r => r.Id);
        request.Property(r => r.Outcome).HasConversion<string>().HasMaxLength(32);
        request.HasIndex(r => r.SessionId);
        request.HasOne<Session>().WithMany().HasForeignKey(r => r.SessionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SessionWithdrawalConfiguration : IEntityTypeConfiguration<SessionWithdrawal>
{
    public void Configure(EntityTypeBuilder<SessionWithdrawal> withdrawal)
    {
        withdrawal.ToTable("session_withdrawals");
        withdrawal.HasKey(w => w.Id);
        withdrawal.Property(w => w.State).HasConversion<string>().HasMaxLength(32);
        withdrawal.Property(w => w.PaymentHash).HasMaxLength(64);
        withdrawal.HasIndex(w => w.SessionId);
        // The payout reconciler looks for withdrawals left paying.
        withdrawal.HasIndex(w => w.State);
        withdrawal.HasOne<Session>().WithMany().HasForeignKey(w => w.SessionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ServerSecretConfiguration : IEntityTypeConfiguration<ServerSecret>
{
    public void Configure(EntityTypeBuilder<ServerSecret> secret)
    {
        secret.ToTable("server_secrets");
        secret.HasKey(s => s.Name);
        secret.Property(s => s.Name).HasMaxLength(64);
    }
}
