using System.Text;
using System.Text.Json;

namespace Timmy.Macaroons.Tests;

internal sealed record CaveatContent(byte[] Identifier, byte[]? VerificationId, string? Location);

/// <summary>
/// Plain field-by-field view of a macaroon, used to compare the library's parse of one format
/// with an independent decoding of another (the library itself has no JSON support; the JSON
/// vectors are decoded here, in test code, purely as expected values).
/// </summary>
internal sealed record MacaroonContent(string Location, byte[] Identifier, IReadOnlyList<CaveatContent> Caveats, byte[] Signature)
{
    public static MacaroonContent Of(Macaroon m) => new(
        m.Location,
        m.Identifier.ToArray(),
        m.Caveats.Select(c => new CaveatContent(c.Identifier.ToArray(), c.IsThirdParty ? c.VerificationId.ToArray() : null, c.Location)).ToList(),
        m.Signature.ToArray());

    /// <summary>Decodes libmacaroons/go-macaroon V1 or V2 JSON.</summary>
    public static MacaroonContent FromJson(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        return root.TryGetProperty("identifier", out _) ? FromJsonV1(root) : FromJsonV2(root);
    }

    public void AssertMatches(Macaroon actual)
    {
        var other = Of(actual);
        Assert.Equal(Location, other.Location);
        Assert.Equal(Identifier, other.Identifier);
        Assert.Equal(Signature, other.Signature);
        Assert.Equal(Caveats.Count, other.Caveats.Count);
        for (var i = 0; i < Caveats.Count; i++)
        {
            Assert.Equal(Caveats[i].Identifier, other.Caveats[i].Identifier);
            Assert.Equal(Caveats[i].VerificationId, other.Caveats[i].VerificationId);
            Assert.Equal(Caveats[i].Location, other.Caveats[i].Location);
        }
    }

    private static MacaroonContent FromJsonV1(JsonElement root)
    {
        var caveats = root.GetProperty("caveats").EnumerateArray().Select(c =>
        {
            var vid = c.TryGetProperty("vid", out var v) && v.GetString() is { Length: > 0 } vs ? TestBase64.DecodeAny(vs) : null;
            var cl = c.TryGetProperty("cl", out var l) ? l.GetString() : null;
            return new CaveatContent(Encoding.UTF8.GetBytes(c.GetProperty("cid").GetString()!), vid, vid is null ? null : cl ?? string.Empty);
        }).ToList();
        return new MacaroonContent(
            root.GetProperty("location").GetString()!,
            Encoding.UTF8.GetBytes(root.GetProperty("identifier").GetString()!),
            caveats,
            Convert.FromHexString(root.GetProperty("signature").GetString()!));
    }

    private static MacaroonContent FromJsonV2(JsonElement root)
    {
        var caveats = new List<CaveatContent>();
        if (root.TryGetProperty("c", out var list))
        {
            foreach (var c in list.EnumerateArray())
            {
                var vid = Binary(c, "v");
                var loc = c.TryGetProperty("l", out var l) ? l.GetString() : null;
                caveats.Add(new CaveatContent(Binary(c, "i") ?? [], vid, vid is null ? null : loc ?? string.Empty));
            }
        }

        return new MacaroonContent(
            root.TryGetProperty("l", out var location) ? location.GetString()! : string.Empty,
            Binary(root, "i") ?? [],
            caveats,
            Binary(root, "s") ?? []);
    }

    /// <summary>V2 JSON binary fields come as "x" (UTF-8), "xH" (hex) or "x64" (base64).</summary>
    private static byte[]? Binary(JsonElement e, string name)
    {
        if (e.TryGetProperty(name, out var text))
        {
            return Encoding.UTF8.GetBytes(text.GetString()!);
        }

        if (e.TryGetProperty(name + "H", out var hex))
        {
            return Convert.FromHexString(hex.GetString()!);
        }

        return e.TryGetProperty(name + "64", out var b64) ? TestBase64.DecodeAny(b64.GetString()!) : null;
    }
}
