using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Timmy.Api.Payments;

namespace Timmy.Api.Data.Configurations;

internal sealed class PayoutClaimConfiguration : IEntityTypeConfiguration<PayoutClaim>
{
    public void Configure(EntityTypeBuilder<PayoutClaim> claim)
    {
        claim.ToTable(PayoutClaims.Table);
        claim.HasKey(c => c.PaymentHash);
        claim.Property(c => c.PaymentHash).HasMaxLength(64);
        claim.Property(c => c.Purpose).HasConversion<string>().HasMaxLength(32);
    }
}
