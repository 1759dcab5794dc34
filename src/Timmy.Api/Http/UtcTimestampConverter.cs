using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Timmy.Api.Http;

/// <summary>
/// Writes instants as ISO 8601 UTC with milliseconds ("2026-03-18T15:31:00.123Z"), like the original service.
/// Fixing the precision keeps a timestamp identical whether it came straight from memory or from the database.
/// </summary>
public sealed class UtcTimestampConverter : JsonConverter<DateTime>
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTime.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToUniversalTime().ToString(Format, CultureInfo.InvariantCulture));
}
