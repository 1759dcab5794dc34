using System.Globalization;

namespace Timmy.Api.Chat;

/// <summary>One page of a listing: <c>?limit=</c> (1 to the maximum, default the maximum) and <c>?offset=</c> (default 0).</summary>
internal sealed record Page(int Limit, int Offset)
{
    public static string Invalid(int max) => $"Invalid paging: 'limit' must be an integer from 1 to {max} and 'offset' a non-negative integer";

    /// <summary>Null when either is present but not a valid number.</summary>
    public static Page? Read(HttpRequest request, int max)
    {
        var limit = Number(request.Query["limit"], max);
        var offset = Number(request.Query["offset"], 0);
        return limit is >= 1 && limit <= max && offset is >= 0 ? new Page(limit.Value, offset.Value) : null;
    }

    private static int? Number(string? raw, int fallback) =>
        raw is null ? fallback : int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
}
