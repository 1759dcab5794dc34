using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Timmy.Api.Chat;

namespace Timmy.Api.Data.Configurations;

internal sealed class ConversationConfiguration : IEntityTypeConfiguration<Conversation>
{
    public void Configure(EntityTypeBuilder<Conversation> conversation)
    {
        conversation.ToTable("conversations");
        conversation.HasKey(c => c.Id);
        conversation.Property(c => c.Title).IsRequired();
        // A balance lists its own conversations, newest first.
        conversation.HasIndex(c => new { c.OwnerSessionId, c.Id });
        conversation.HasMany(c => c.Messages).WithOne().HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MessageConfiguration : IEntityTypeConfiguration<Message>
{
    public void Configure(EntityTypeBuilder<Message> message)
    {
        message.ToTable("messages");
        message.HasKey(m => m.Id);
        message.Property(m => m.Role).HasMaxLength(16).IsRequired();
        message.Property(m => m.Content).IsRequired();
        // History is always read in order for one conversation.
        message.HasIndex(m => new { m.ConversationId, m.Id });
    }
}
