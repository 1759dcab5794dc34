namespace Timmy.Api.Chat;

/// <summary>Service keys of the client that answers chat messages and the generator that draws images.</summary>
public static class ChatKeys
{
    public const string Chat = "chat";
    public const string Images = "images";
}
