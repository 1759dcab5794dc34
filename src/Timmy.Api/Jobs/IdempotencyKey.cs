using System.Security.Cryptography;
using System.Text;

namespace Timmy.Api.Jobs;

/// <summary>A client's <c>Idempotency-Key</c> for job creation, remembered with a hash of the request it came with.</summary>
public sealed class IdempotencyKey
{
    public const string Header = "Idempotency-Key";
    public const int MaxLength = 255;
    public const string Table = "idempotency_keys";

    public required string Key { get; init; }

    public required string RequestHash { get; init; }

    public Guid JobId { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public static string HashOf(string request) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(request)));

    /// <summary>
    /// The request's key, null without one; or what is wrong with it. Two headers are refused rather than joined into one
    /// key with a comma, and an empty header rather than taken for none: either way the client meant something else.
    /// </summary>
    public static (string? Key, string? Error) From(IHeaderDictionary headers)
    {
        if (!headers.TryGetValue(Header, out var values))
        {
            return (null, null);
        }

        if (values.Count != 1)
        {
            return (null, $"Send one {Header} header, not {values.Count}");
        }

        var key = values[0] ?? string.Empty;
        return Problem(key) is { } problem ? (null, problem) : (key, null);
    }

    /// <summary>Null when the header value is usable as a key; otherwise what is wrong with it.</summary>
    public static string? Problem(string key) =>
        key.Length is 0 or > MaxLength || key.Any(c => c is < '!' or > '~')
            ? $"{Header} must be 1 to {MaxLength} visible ASCII characters"
            : null;
}
