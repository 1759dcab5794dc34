using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Timmy.Api.Instances;

namespace Timmy.Api.Data.Configurations;

internal sealed class InstanceConfiguration : IEntityTypeConfiguration<Instance>
{
    public void Configure(EntityTypeBuilder<Instance> instance)
    {
        instance.ToTable(Instance.Table);
        instance.HasKey(i => i.Id);
        // The same ids as jobs' LeaseOwner. No index on the heartbeat: the table has a row per running instance.
        instance.Property(i => i.Id).HasMaxLength(64);
    }
}
