using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Timmy.Api.Agent;
using Timmy.Api.Payments;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Jobs;

public sealed class JobFailureTests
{
    [Fact]
    public async Task A_work_model_error_moves_the_job_to_failed_with_an_error_message()
    {
        using var factory = new TimmyFactory
        {
            TestServices = s => s.ReplaceChatClient(AgentKeys.Work, _ => ScriptedChatClient.Throwing("529 overloaded")),
        };

        var job = await factory.CreateClient().RunJobAsync("What is a satoshi?");

        Assert.Equal("failed", job.Str("state"));
        Assert.StartsWith("The AI model could not complete the job (ref ", job.Str("errorMessage"));
    }

    [Fact]
    public async Task An_eval_model_error_moves_the_job_to_failed()
    {
        using var factory = new TimmyFactory
        {
            TestServices = s => s.ReplaceChatClient(AgentKeys.Eval, _ => ScriptedChatClient.Throwing("connection reset")),
        };

        var job = await factory.CreateClient().RunJobAsync("What is a satoshi?");

        Assert.Equal("failed", job.Str("state"));
        Assert.StartsWith("The AI model could not complete the job (ref ", job.Str("errorMessage"));
    }

    [Theory]
    [InlineData("I think this is fine.")]
    [InlineData("{\"verdict\": \"yes\"}")]
    [InlineData("{\"accepted\": \"yes\"}")]
    [InlineData("{ not json }")]
    public async Task An_unreadable_verdict_fails_the_job_rather_than_guessing(string verdict)
    {
        using var factory = new TimmyFactory
        {
            TestServices = s => s.ReplaceChatClient(AgentKeys.Eval, _ => ScriptedChatClient.Saying(verdict)),
        };

        var job = await factory.CreateClient().RunJobAsync("What is a satoshi?");

        Assert.Equal("failed", job.Str("state"));
        Assert.Contains("eval model", job.Str("errorMessage"));
    }

    [Fact]
    public async Task A_verdict_wrapped_in_prose_is_still_read()
    {
        using var factory = new TimmyFactory
        {
            TestServices = s => s.ReplaceChatClient(AgentKeys.Eval,
                _ => ScriptedChatClient.Saying("Sure! ```json\n{\"accepted\": false, \"reason\": \"Nope.\"}\n```")),
        };

        var job = await factory.CreateClient().RunJobAsync("What is a satoshi?");

        Assert.Equal("rejected", job.Str("state"));
        Assert.Equal("Nope.", job.Str("reason"));
    }

    [Fact]
    public async Task When_the_lightning_backend_is_down_creating_a_job_is_a_503_and_writes_nothing()
    {
        using var factory = new TimmyFactory
        {
            TestServices = s => s.AddScoped<IPaymentBackend>(_ => new UnreachablePaymentBackend()),
        };

        var response = await factory.CreateClient().PostRawAsync("/api/jobs", """{"request": "What is a satoshi?"}""");

        var error = await response.AssertErrorAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Contains("Lightning backend unavailable", error);
        Assert.Equal(0, await factory.CountRowsAsync());
    }

    /// <summary>A node that cannot be reached; stands in for a refused TCP connection.</summary>
    private sealed class UnreachablePaymentBackend : IPaymentBackend
    {
        public string Name => "unreachable";

        public bool IsSimulated => false;

        public Task<CreatedInvoice> CreateInvoiceAsync(InvoiceRequest request, CancellationToken cancellationToken) =>
            throw new PaymentBackendException("connection refused");

        public Task<InvoiceStatus?> GetInvoiceStatusAsync(string paymentHash, CancellationToken cancellationToken) =>
            throw new PaymentBackendException("connection refused");

        public Task<OutgoingPayment> PayInvoiceAsync(string paymentRequest, CancellationToken cancellationToken) =>
            throw new PaymentBackendException("connection refused");

        public Task<OutgoingPaymentStatus?> GetOutgoingPaymentAsync(string paymentHash, CancellationToken cancellationToken) =>
            throw new PaymentBackendException("connection refused");
    }
}
