using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Timmy.Api.Payments;
using Timmy.Api.Payments.Stub;

namespace Timmy.Api.Data.Configurations;

internal sealed class InvoiceConfiguration : IEntityTypeConfiguration<Invoice>
{
    public void Configure(EntityTypeBuilder<Invoice> invoice)
    {
        invoice.ToTable("invoices");
        invoice.HasKey(i => i.Id);
        invoice.Property(i => i.PaymentHash).HasMaxLength(64).IsRequired();
        invoice.HasIndex(i => i.PaymentHash).IsUnique();
        invoice.Property(i => i.PaymentRequest).IsRequired();
        invoice.Property(i => i.Kind).HasConversion<string>().HasMaxLength(32);
        invoice.HasIndex(i => new { i.JobId, i.Kind }).IsUnique();
    }
}

internal sealed class StubInvoiceConfiguration : IEntityTypeConfiguration<StubInvoice>
{
    public void Configure(EntityTypeBuilder<StubInvoice> invoice)
    {
        invoice.ToTable("stub_invoices");
        invoice.HasKey(i => i.PaymentHash);
        invoice.Property(i => i.PaymentHash).HasMaxLength(64);
        invoice.Property(i => i.Preimage).HasMaxLength(64);
    }
}

internal sealed class StubPaymentConfiguration : IEntityTypeConfiguration<StubPayment>
{
    public void Configure(EntityTypeBuilder<StubPayment> payment)
    {
        payment.ToTable(StubPayment.Table);
        payment.HasKey(p => p.PaymentHash);
        payment.Property(p => p.PaymentHash).HasMaxLength(64);
        payment.Property(p => p.Preimage).HasMaxLength(64);
    }
}
