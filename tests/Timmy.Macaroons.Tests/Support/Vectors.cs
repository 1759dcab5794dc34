namespace Timmy.Macaroons.Tests;

/// <summary>Every vector extracted from Vectors/macaroon-vectors.txt, grouped by kind.</summary>
internal static class Vectors
{
    public const string TestsDoc = "doc/tests.txt";
    public const string Readme = "README,";
    public const string GoMacaroonTest = "macaroon_test.go";
    public const string TestsDocSample = "doc/tests.txt sample";

    public static IReadOnlyList<VTest> VTests { get; } = LoadVTests();

    public static IReadOnlyList<SerializationVector> Serializations { get; } = LoadSerializations();

    /// <summary>The README section (its header names "file README, lines 100-206").</summary>
    public static VectorSection ReadmeSection => VectorFile.Single(Readme);

    /// <summary>The two go-macaroon sections, in file order.</summary>
    public static IReadOnlyList<VectorSection> GoSections =>
        VectorFile.Sections.Where(s => s.FileName == GoMacaroonTest).ToList();

    private static List<VTest> LoadVTests()
    {
        var tests = VectorFile.Sections
            .Where(s => s.FileName.EndsWith(".vtest", StringComparison.Ordinal))
            .Select(s => VTest.Parse(Path.GetFileName(s.FileName), s.Lines))
            .ToList();

        // doc/tests.txt also embeds one example vtest (indented by four spaces).
        var example = IndentedBlocks(VectorFile.Single(TestsDoc)).Single(b => b.Any(l => l.StartsWith("version ", StringComparison.Ordinal)));
        tests.Add(VTest.Parse("doc/tests.txt example", example));
        return tests;
    }

    private static List<SerializationVector> LoadSerializations()
    {
        var vectors = VectorFile.Sections
            .Where(s => s.FileName.StartsWith("test/unit/serialization_", StringComparison.Ordinal))
            .Select(s => SerializationVector.Parse(Path.GetFileName(s.FileName), s.Lines))
            .ToList();

        var sample = IndentedBlocks(VectorFile.Single(TestsDoc)).Single(b => b.All(l => l.StartsWith('v')));
        vectors.Add(SerializationVector.Parse(TestsDocSample, sample));
        return vectors;
    }

    /// <summary>Runs of consecutive lines indented by four spaces, with the indent removed.</summary>
    private static List<List<string>> IndentedBlocks(VectorSection section)
    {
        var blocks = new List<List<string>>();
        List<string>? current = null;
        foreach (var line in section.Lines)
        {
            if (line.StartsWith("    ", StringComparison.Ordinal))
            {
                current ??= [];
                current.Add(line[4..]);
            }
            else if (current is not null)
            {
                blocks.Add(current);
                current = null;
            }
        }

        if (current is not null)
        {
            blocks.Add(current);
        }

        return blocks;
    }
}
