namespace Timmy.Api.Agent;

/// <summary>Service keys of the two <see cref="Microsoft.Extensions.AI.IChatClient"/>s.</summary>
public static class AgentKeys
{
    public const string Eval = "eval";
    public const string Work = "work";
}
