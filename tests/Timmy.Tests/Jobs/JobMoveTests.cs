using Timmy.Api.Jobs;

namespace Timmy.Tests.Jobs;

/// <summary>The job's own tables of legal moves: anything else throws before a statement is written.</summary>
public sealed class JobMoveTests
{
    [Theory]
    [InlineData(JobState.Complete)]
    [InlineData(JobState.Rejected)]
    [InlineData(JobState.Failed)]
    [InlineData(JobState.AwaitingEvalPayment)]
    public void A_job_cannot_fail_from_a_state_that_does_no_work(JobState from) =>
        Assert.Throws<InvalidOperationException>(() => Job.Fail(from, "boom", workPaidSats: 0));

    [Theory]
    [InlineData(JobState.Evaluating)]
    [InlineData(JobState.Executing)]
    public void A_job_may_fail_while_it_is_worked_on(JobState from) =>
        Assert.Equal(JobState.Failed, Job.Fail(from, "boom", workPaidSats: 0).To);

    [Theory]
    [InlineData(RefundState.NotApplicable, RefundState.Paying)]
    [InlineData(RefundState.Pending, RefundState.Paid)]
    [InlineData(RefundState.Paid, RefundState.Pending)]
    [InlineData(RefundState.Paid, RefundState.Paying)]
    public void A_refund_moves_only_through_paying(RefundState from, RefundState to) =>
        Assert.Throws<InvalidOperationException>(() => Job.MoveRefund(from, to, "hash", DateTimeOffset.UtcNow));

    [Fact]
    public void A_new_job_awaits_its_eval_payment_and_moves_on_it_with_the_shared_eval_move()
    {
        var job = Job.Create(Guid.NewGuid(), "What is a satoshi?", new Timmy.Api.Payments.Invoice
        {
            Id = Guid.NewGuid(),
            Kind = Timmy.Api.Payments.InvoiceKind.JobEval,
            PaymentHash = "00",
            PaymentRequest = "lnbcrt1",
            AmountSats = 10,
        }, DateTimeOffset.UtcNow);

        Assert.Same(Job.EvalPaid, job.PaymentAwaited?.Move);
    }
}
