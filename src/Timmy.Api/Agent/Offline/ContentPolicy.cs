using System.Text.RegularExpressions;

namespace Timmy.Api.Agent.Offline;

/// <summary>
/// The offline eval model's policy. A request is refused when it asks for help (an intent phrase such as
/// "help me", "how do I", "write me") with something in a harmful category; asking *about* a topic
/// ("why is phishing harmful?") is fine. A few categories are refused whatever the phrasing.
/// </summary>
public static partial class ContentPolicy
{
    public sealed record Verdict(bool Accepted, string Category, string Reason);

    private sealed record Rule(string Category, Regex Pattern, bool NeedsIntent, string Reason);

    private static readonly Rule[] Rules =
    [
        new("sexual_minors", SexualMinors(), NeedsIntent: false,
            "Sexual content involving minors is never accepted."),
        new("weapons", Weapons(), NeedsIntent: true,
            "The request asks for help making or using weapons capable of serious harm."),
        new("violence", Violence(), NeedsIntent: true,
            "The request asks for help hurting or killing people."),
        new("malware", Malware(), NeedsIntent: true,
            "The request asks for help creating malware or breaking into systems."),
        new("fraud", Fraud(), NeedsIntent: true,
            "The request asks for help with fraud, theft or money laundering."),
        new("self_harm", SelfHarm(), NeedsIntent: true,
            "The request asks for help with self-harm; please reach out to someone you trust or a local helpline."),
        new("illegal_activity", IllegalOrHarmful(), NeedsIntent: true,
            "The request asks for help doing something harmful or illegal."),
    ];

    public static Verdict Evaluate(string request)
    {
        var text = request.ToLowerInvariant();
        var hasIntent = Intent().IsMatch(text);
        foreach (var rule in Rules)
        {
            if ((!rule.NeedsIntent || hasIntent) && rule.Pattern.IsMatch(text))
            {
                return new Verdict(false, rule.Category, rule.Reason);
            }
        }

        return new Verdict(true, "none", "The request is an ordinary task that Timmy can do.");
    }

    [GeneratedRegex(@"\b(help me|how (do|can|could|would|should|to) (i|we|you|one)|how to|teach me|show me|tell me how|give me|write (me )?(a|an|some)?|make (me )?(a|an)?|build (me )?(a|an)?|create (a|an)?|i want to|i need to|let me|step[- ]by[- ]step|instructions for|plan to)\b")]
    private static partial Regex Intent();

    [GeneratedRegex(@"\b(child|minor|underage|kid)s?\b.{0,40}\b(sexual|sex|nude|porn|explicit)|\b(sexual|sex|nude|porn|explicit)\b.{0,40}\b(child|minor|underage|kid)s?\b")]
    private static partial Regex SexualMinors();

    [GeneratedRegex(@"\b(bomb|explosive|pipe bomb|detonator|nerve agent|sarin|ricin|anthrax|bioweapon|chemical weapon|ghost gun|untraceable (gun|firearm))s?\b")]
    private static partial Regex Weapons();

    [GeneratedRegex(@"\b(kill|murder|poison|assassinate|torture|kidnap|stab|shoot)\b.{0,40}\b(someone|somebody|people|person|him|her|them|my|neighbou?r|wife|husband|boss)\b")]
    private static partial Regex Violence();

    [GeneratedRegex(@"\b(malware|ransomware|keylogger|botnet|trojan|rootkit|spyware|ddos|credential stuffing|hack into|break into (a|an|someone|their)|bypass (the )?(login|authentication|2fa))\b")]
    private static partial Regex Malware();

    [GeneratedRegex(@"\b(launder|counterfeit|forge|steal|phishing (email|page|site)|scam (people|someone)|stolen credit cards?|carding|identity theft|evade taxes)\b")]
    private static partial Regex Fraud();

    [GeneratedRegex(@"\b(kill myself|suicide method|end my life|hurt myself|self[- ]harm)\b")]
    private static partial Regex SelfHarm();

    [GeneratedRegex(@"\b(commit|committing|get away with)\b.{0,30}\b(illegal|unlawful|crimes?|fraud)\b|\b(something|anything|stuff|things)\b.{0,20}\b(illegal|illegally|unlawful|harmful|criminal|dangerous)\b|\bwithout (getting )?caught\b")]
    private static partial Regex IllegalOrHarmful();
}
