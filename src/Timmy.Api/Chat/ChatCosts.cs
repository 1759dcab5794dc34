using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Timmy.Api.Agent;
using Timmy.Api.Pricing;

namespace Timmy.Api.Chat;

/// <summary>
/// What a chat message costs, priced as session requests are: the chat model's tokens at its rates, plus the
/// per-request infrastructure, plus the margin, in sats at the current BTC price, rounded up. An image has a set price.
/// </summary>
public sealed class ChatCosts(IOptions<PricingOptions> pricing, IOptions<ChatSettings> chat, TokenCounter tokens, IBtcPriceOracle oracle)
{
    public long ImageSats => chat.Value.ImagePriceSats;

    /// <summary>The most a message can cost: its history in, and the whole reply allowance out.</summary>
    public async Task<long> WorstCaseSatsAsync(string model, IEnumerable<string> history, CancellationToken cancellationToken) =>
        Sats(model, history.Sum(tokens.Count), chat.Value.MaxReplyTokens, await oracle.GetBtcPriceUsdAsync(cancellationToken));

    /// <summary>
    /// The real cost: the provider's usage when it reported any, else the tokens counted here; a reply that produced
    /// nothing costs nothing.
    /// </summary>
    public async Task<long> ActualSatsAsync(string model, IEnumerable<string> history, string reply, UsageDetails? usage, CancellationToken cancellationToken)
    {
        if (reply.Length == 0)
        {
            return 0;
        }

        var input = usage?.InputTokenCount ?? history.Sum(tokens.Count);
        var output = usage?.OutputTokenCount ?? tokens.Count(reply);
        return Sats(model, input, output, await oracle.GetBtcPriceUsdAsync(cancellationToken));
    }

    /// <summary>The price of the worst case before a body is read: a message of the longest allowed history.</summary>
    public long MessageHintSats(decimal btcPriceUsd) =>
        Sats(chat.Value.Model, chat.Value.MaxMessageChars / 2, chat.Value.MaxReplyTokens, btcPriceUsd);

    private long Sats(string model, long input, long output, decimal btcPriceUsd) => pricing.Value.CallSats(model, input, output, btcPriceUsd);
}
