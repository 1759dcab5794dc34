using Microsoft.Extensions.AI;

namespace Timmy.Api.Agent.Offline;

/// <summary>
/// The embedded work model. It knows a few Bitcoin basics so the walkthrough reads sensibly, otherwise
/// restates the request, and always says plainly that it is the offline model.
/// </summary>
public sealed class OfflineWorkChatClient(TokenCounter tokens, TimeSpan latency, TimeProvider clock)
    : OfflineChatClient(tokens, latency, clock)
{
    public const string Disclaimer =
        "(Answered by Timmy's offline model, which runs without a network or an AI provider. Configure a provider for real answers.)";

    private static readonly (string Keyword, string Answer)[] KnownTopics =
    [
        ("lightning", "The Lightning Network is a second-layer protocol on top of Bitcoin that moves payments off-chain into "
            + "payment channels, so they settle instantly and cost a fraction of a satoshi in fees. Only the opening and "
            + "closing of a channel touch the blockchain, which lets Lightning scale to millions of small payments."),
        ("satoshi", "A satoshi is the smallest unit of Bitcoin: one hundred-millionth of a bitcoin (0.00000001 BTC), "
            + "named after Bitcoin's pseudonymous creator, Satoshi Nakamoto. Lightning invoices are priced in satoshis."),
        ("macaroon", "A macaroon is a bearer credential with caveats: anyone holding it can add restrictions, "
            + "but nobody can remove them, because each caveat is chained into an HMAC signature."),
        ("bitcoin", "Bitcoin is a peer-to-peer electronic cash system: a public ledger kept by a network of nodes, "
            + "secured by proof of work, with a fixed supply of 21 million coins."),
    ];

    protected override string Answer(IReadOnlyList<ChatMessage> messages)
    {
        var request = LastUserText(messages).Trim();
        var lower = request.ToLowerInvariant();
        foreach (var (keyword, answer) in KnownTopics)
        {
            if (lower.Contains(keyword, StringComparison.Ordinal))
            {
                return $"{answer}\n\n{Disclaimer}";
            }
        }

        return $"You asked: \"{request}\". Here is a careful, deterministic response: the request has been read, "
            + "understood and answered to the best of an offline model's ability, which is to restate it faithfully."
            + $"\n\n{Disclaimer}";
    }
}
