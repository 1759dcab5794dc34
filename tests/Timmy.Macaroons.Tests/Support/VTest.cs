namespace Timmy.Macaroons.Tests;

/// <summary>A libmacaroons ".vtest" verification test, parsed per doc/tests.txt.</summary>
internal sealed record VTest(
    string Name,
    IReadOnlyList<string> Versions,
    bool Authorized,
    string Key,
    IReadOnlyList<string> Exact,
    IReadOnlyList<string> General,
    IReadOnlyList<string> Macaroons)
{
    public static VTest Parse(string name, IEnumerable<string> rawLines)
    {
        // Empty lines and '#' lines are ignored; the remaining lines are positional.
        var lines = rawLines.Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        if (lines.Count < 4 || !lines[0].StartsWith("version ", StringComparison.Ordinal) || !lines[2].StartsWith("key ", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{name}: not a vtest");
        }

        var authorized = lines[1] switch
        {
            "authorized" => true,
            "unauthorized" => false,
            _ => throw new InvalidDataException($"{name}: bad outcome line '{lines[1]}'"),
        };

        var exact = new List<string>();
        var general = new List<string>();
        var i = 3;
        for (; i < lines.Count; i++)
        {
            if (lines[i].StartsWith("exact ", StringComparison.Ordinal))
            {
                exact.Add(lines[i]["exact ".Length..]);
            }
            else if (lines[i].StartsWith("general", StringComparison.Ordinal))
            {
                general.Add(lines[i]["general".Length..]);
            }
            else
            {
                break;
            }
        }

        var macaroons = lines.Skip(i).ToList();
        if (macaroons.Count == 0)
        {
            throw new InvalidDataException($"{name}: no macaroon lines");
        }

        return new VTest(name, lines[0]["version ".Length..].Split(' '), authorized, lines[2]["key ".Length..], exact, general, macaroons);
    }
}

/// <summary>A libmacaroons serialization test: one logical macaroon in several formats.</summary>
internal sealed record SerializationVector(string Name, IReadOnlyDictionary<string, string> ByFormat)
{
    public static SerializationVector Parse(string name, IEnumerable<string> rawLines)
    {
        var byFormat = new Dictionary<string, string>();
        foreach (var line in rawLines.Where(l => l.Length > 0))
        {
            var space = line.IndexOf(' ');
            byFormat.Add(line[..space], line[(space + 1)..]);
        }

        return new SerializationVector(name, byFormat);
    }
}
