using System.Text.Json.Nodes;
using YamlDotNet.Serialization;

namespace Timmy.Tests.Web;

/// <summary>The shared OpenAPI spec (a copy beside this file), parsed from YAML into the same JsonNode shape as the generated document.</summary>
public static class SpecDocument
{
    public static JsonObject Load()
    {
        var yaml = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Web", "openapi.yaml"));
        return (JsonObject)ToJson(new DeserializerBuilder().Build().Deserialize<object>(yaml))!;
    }

    /// <summary>Untyped YAML is maps, lists and scalar strings; every scalar stays a string, which is all the comparison needs.</summary>
    private static JsonNode? ToJson(object? yaml) => yaml switch
    {
        IDictionary<object, object> map => new JsonObject(map.Select(entry =>
            KeyValuePair.Create(entry.Key.ToString()!, ToJson(entry.Value)))),
        IList<object> list => new JsonArray(list.Select(ToJson).ToArray()),
        null => null,
        _ => JsonValue.Create(yaml.ToString()),
    };
}
