using System.Text.Json.Nodes;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Boundary;

/// <summary>The OpenAPI document marks every paid operation: its 402, the L402 and Payment schemes, and its price.</summary>
public sealed class PaidOpenApiTests : IDisposable
{
    private readonly TimmyFactory _factory = new();

    [Fact]
    public async Task Paid_operations_document_their_402_security_schemes_and_price()
    {
        var doc = (JsonObject)JsonNode.Parse(await _factory.CreateClient().GetStringAsync("/api/openapi.json"))!;

        var schemes = doc["components"]!["securitySchemes"]!.AsObject();
        Assert.Equal("L402", schemes["L402"]!["scheme"]!.GetValue<string>());
        Assert.Equal("Payment", schemes["Payment"]!["scheme"]!.GetValue<string>());
        Assert.Contains("`session`", schemes["Payment"]!["description"]!.GetValue<string>());
        foreach (var (path, method) in new[] { ("/gemini/generate-image", "post"), ("/gemini/conversations/{id}/messages", "post"), ("/gemini/conversations", "get") })
        {
            var operation = doc["paths"]![path]![method]!;
            Assert.NotNull(operation["responses"]!["402"]!["headers"]!["WWW-Authenticate"]);
            Assert.NotNull(operation["responses"]!["401"]);
            Assert.NotNull(operation["responses"]!["429"]);
            Assert.Contains("intent=\"session\"", operation["responses"]!["402"]!["headers"]!["WWW-Authenticate"]!["description"]!.GetValue<string>());
            var security = operation["security"]!.AsArray().Select(r => r!.AsObject().Single().Key).ToList();
            Assert.Equal(["L402", "Payment"], security);
            Assert.False(string.IsNullOrEmpty(operation["x-timmy-price"]!.GetValue<string>()));
        }

        Assert.Contains("ImagePriceSats", doc["paths"]!["/gemini/generate-image"]!["post"]!["x-timmy-price"]!.GetValue<string>());
    }

    public void Dispose() => _factory.Dispose();
}
