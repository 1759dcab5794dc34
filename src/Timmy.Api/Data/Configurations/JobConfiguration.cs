using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Timmy.Api.Jobs;

namespace Timmy.Api.Data.Configurations;

internal sealed class JobConfiguration : IEntityTypeConfiguration<Job>
{
    public void Configure(EntityTypeBuilder<Job> job)
    {
        job.ToTable("jobs");
        job.HasKey(j => j.Id);
        job.Property(j => j.Request).IsRequired();
        job.Property(j => j.State)
            .HasConversion(state => state.ToWireName(), name => JobStateNames.FromWireName(name))
            .HasMaxLength(32);
        job.Property(j => j.LeaseOwner).HasMaxLength(64);
        // Workers look for leasable jobs by state and lease expiry; lookups and counts by state alone use its first
        // column. An index on state alone would be a second one for every move to update, in the writer's serial path.
        job.HasIndex(j => new { j.State, j.LeaseExpiresAt });
        job.Property(j => j.EvalModel).HasMaxLength(128);
        job.Property(j => j.WorkModel).HasMaxLength(128);
        job.Property(j => j.RefundState).HasConversion<string>().HasMaxLength(32);
        // The refund reconciler looks for payouts left paying, every few seconds on every instance.
        job.HasIndex(j => j.RefundState);
        job.Property(j => j.RefundPaymentHash).HasMaxLength(64);
        job.Ignore(j => j.Quote);
        job.Ignore(j => j.EvalInvoice);
        job.Ignore(j => j.WorkInvoice);
        job.HasMany(j => j.Invoices).WithOne().HasForeignKey(i => i.JobId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class IdempotencyKeyConfiguration : IEntityTypeConfiguration<IdempotencyKey>
{
    public void Configure(EntityTypeBuilder<IdempotencyKey> key)
    {
        key.ToTable(IdempotencyKey.Table);
        key.HasKey(k => k.Key);
        key.Property(k => k.Key).HasMaxLength(IdempotencyKey.MaxLength);
        key.Property(k => k.RequestHash).HasMaxLength(64);
        key.HasOne<Job>().WithMany().HasForeignKey(k => k.JobId).OnDelete(DeleteBehavior.Cascade);
    }
}
