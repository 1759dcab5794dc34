using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Timmy.Api.Agent;
using Timmy.Api.Payments;
using Timmy.Api.Payments.Stub;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Sessions;

/// <summary>
/// A withdrawal racing a running session request: refused with a 409 whether the request started before the
/// withdrawal looked at the balance (its reserved sats) or while it was checking the invoice (the balance moved), and
/// the ledger still sums to the balance once the request is done.
/// </summary>
public sealed class SessionWithdrawalRaceTests : IDisposable
{
    private readonly TaskCompletionSource _checkingInvoice = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _releaseCheck = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimmyFactory _factory;

    public SessionWithdrawalRaceTests() => _factory = new TimmyFactory
    {
        TestServices = s =>
        {
            s.AddSingleton<IPaymentBackend>(sp => new PausingPayouts(sp.GetRequiredService<StubPaymentBackend>(), this));
            s.ReplaceChatClient(AgentKeys.Eval, inner => new GatedChatClient(inner));
        },
    };

    private bool PauseChecks { get; set; }

    /// <summary>The request's eval call waits here, holding its reservation, until the test has seen the withdrawal's answer.</summary>
    private GatedChatClient Eval => (GatedChatClient)_factory.Services.GetRequiredKeyedService<IChatClient>(AgentKeys.Eval);

    [Fact]
    public async Task A_withdrawal_while_a_request_holds_sats_is_a_409_and_the_ledger_balances()
    {
        var client = _factory.CreateClient();
        var (id, macaroon) = await client.ActiveSessionAsync(1000);
        var request = client.SessionRequestAsync(id, macaroon, "What is a satoshi?");
        await HeldInTheModelAsync(id);

        var response = await client.WithdrawAsync(id, macaroon, RefundInvoices.Mint(1000));

        Assert.Contains("Requests are running against this balance", await response.AssertErrorAsync(HttpStatusCode.Conflict));
        Eval.Open();
        Assert.Equal(HttpStatusCode.OK, (await request).StatusCode);
        await AssertBalancedWithNothingPaidAsync(client, id);
    }

    [Fact]
    public async Task A_request_starting_while_the_withdrawal_checks_the_invoice_makes_it_a_409_and_the_ledger_balances()
    {
        var client = _factory.CreateClient();
        var (id, macaroon) = await client.ActiveSessionAsync(1000);
        PauseChecks = true;
        var withdrawal = client.WithdrawAsync(id, macaroon, RefundInvoices.Mint(1000));
        await _checkingInvoice.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // The withdrawal has read the balance and is asking the node about the invoice; a request takes sats now.
        var request = client.SessionRequestAsync(id, macaroon, "What is a satoshi?");
        await HeldInTheModelAsync(id);
        _releaseCheck.SetResult();

        Assert.Contains("The balance changed while withdrawing", await (await withdrawal).AssertErrorAsync(HttpStatusCode.Conflict));
        Eval.Open();
        Assert.Equal(HttpStatusCode.OK, (await request).StatusCode);
        await AssertBalancedWithNothingPaidAsync(client, id);
    }

    public void Dispose()
    {
        Eval.Open(); // A test that failed early leaves no request waiting on the gate.
        _factory.Dispose();
    }

    /// <summary>Waits until the request is in its model call, which it makes only once its sats are reserved.</summary>
    private async Task HeldInTheModelAsync(string id)
    {
        await Eval.Entered;
        Assert.True(await _factory.WithDbAsync(db => db.Sessions.AnyAsync(s => s.Id == Guid.Parse(id) && s.ReservedSats > 0)));
    }

    private async Task AssertBalancedWithNothingPaidAsync(HttpClient client, string id)
    {
        var balance = (await client.GetSessionAsync(id)).GetProperty("balanceSats").GetInt64();
        var ledger = await _factory.WithDbAsync(db => db.SessionLedger.Where(e => e.SessionId == Guid.Parse(id)).SumAsync(e => e.AmountSats));
        Assert.True(balance is > 0 and < 1000, $"the request was charged: balance {balance}");
        Assert.Equal(balance, ledger);
        Assert.Equal(0, await _factory.WithDbAsync(db => db.SessionWithdrawals.CountAsync()));
        Assert.Equal(0, await _factory.WithDbAsync(db => db.StubPayments.CountAsync()));
    }

    /// <summary>The stub node, whose check of a payout invoice can be held open while the test starts a request.</summary>
    private sealed class PausingPayouts(StubPaymentBackend stub, SessionWithdrawalRaceTests test) : IPaymentBackend
    {
        public string Name => stub.Name;

        public bool IsSimulated => stub.IsSimulated;

        public Task<CreatedInvoice> CreateInvoiceAsync(InvoiceRequest request, CancellationToken cancellationToken) => stub.CreateInvoiceAsync(request, cancellationToken);

        public Task<InvoiceStatus?> GetInvoiceStatusAsync(string paymentHash, CancellationToken cancellationToken) => stub.GetInvoiceStatusAsync(paymentHash, cancellationToken);

        public Task<OutgoingPayment> PayInvoiceAsync(string paymentRequest, CancellationToken cancellationToken) => stub.PayInvoiceAsync(paymentRequest, cancellationToken);

        public async Task<OutgoingPaymentStatus?> GetOutgoingPaymentAsync(string paymentHash, CancellationToken cancellationToken)
        {
            if (test.PauseChecks)
            {
                test._checkingInvoice.TrySetResult();
                await test._releaseCheck.Task;
            }

            return await stub.GetOutgoingPaymentAsync(paymentHash, cancellationToken);
        }
    }
}
