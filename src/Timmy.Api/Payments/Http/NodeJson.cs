using System.Text.Json;

namespace Timmy.Api.Payments.Http;

/// <summary>LNbits and LND both speak snake_case JSON; LND also writes int64 values as strings, which we read as numbers.</summary>
internal static class NodeJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString,
    };
}
