using System.Text.Json;

namespace Timmy.Http402.Tests;

/// <summary>Aperture's cross-implementation vectors for the Payment scheme (Vectors/mpp-vectors.json), as xunit data.</summary>
public static class Vectors
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", "mpp-vectors.json"))));

    public static JsonElement Root => Document.Value.RootElement;

    public static byte[] HmacSecret => Convert.FromHexString(Root.GetProperty("hmacSecretHex").GetString()!);

    /// <summary>Each case of a group by its name, so a failure names the vector.</summary>
    public static TheoryData<string> Names(string group)
    {
        var data = new TheoryData<string>();
        foreach (var item in Root.GetProperty(group).EnumerateArray())
        {
            data.Add(item.GetProperty("name").GetString()!);
        }

        return data;
    }

    public static JsonElement Case(string group, string name) =>
        Root.GetProperty(group).EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    public static string? Str(this JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static bool IsError(this JsonElement element) =>
        element.TryGetProperty("error", out var value) && value.ValueKind == JsonValueKind.True;

    public static Dictionary<string, string> Params(this JsonElement element) =>
        element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
}
