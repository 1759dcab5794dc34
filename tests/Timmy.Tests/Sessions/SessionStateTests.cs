using Timmy.Api.Sessions;

namespace Timmy.Tests.Sessions;

/// <summary>A session's state moves only as <see cref="Session"/>'s table allows; a change naming any other move throws before it is written.</summary>
public sealed class SessionStateTests
{
    [Theory]
    [InlineData(SessionState.Active, SessionState.AwaitingPayment)]
    [InlineData(SessionState.Paused, SessionState.AwaitingPayment)]
    [InlineData(SessionState.AwaitingPayment, SessionState.Paused)]
    [InlineData(SessionState.Expired, SessionState.AwaitingPayment)]
    public void An_illegal_move_throws(SessionState from, SessionState to)
    {
        var illegal = Assert.Throws<InvalidOperationException>(() => SessionChange.StateRule([new(from, to)]));

        Assert.Contains("Illegal session move", illegal.Message);
    }

    [Fact]
    public void Every_change_of_a_session_makes_only_legal_moves()
    {
        var invoice = new Timmy.Api.Payments.Invoice
        {
            Id = Guid.NewGuid(), Kind = Timmy.Api.Payments.InvoiceKind.SessionTopup, PaymentHash = "h", PaymentRequest = "r", AmountSats = 100,
        };
        var now = DateTimeOffset.UtcNow;

        // Each builds its state rule, which checks its moves against the table.
        Assert.NotNull(Session.Credit(invoice, 50, now));
        Assert.NotNull(Session.ExpireIdleSince(now));
        Assert.NotNull(Session.Settle(10, 5, 50, now));
        Assert.NotNull(Session.Withdraw(100));
        Assert.NotNull(Session.ReverseWithdrawal(100, 50));
    }
}
