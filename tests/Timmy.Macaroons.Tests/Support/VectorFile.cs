using System.Text.RegularExpressions;

namespace Timmy.Macaroons.Tests;

/// <summary>One "## Source: ... file X" block of Vectors/macaroon-vectors.txt.</summary>
internal sealed record VectorSection(string Header, string FileName, IReadOnlyList<string> Lines)
{
    public string Text => string.Join('\n', Lines);
}

/// <summary>Splits the verbatim vector file into its source sections.</summary>
internal static partial class VectorFile
{
    private const string Rule = "################";

    public static string Path { get; } = System.IO.Path.Combine(AppContext.BaseDirectory, "Vectors", "macaroon-vectors.txt");

    public static IReadOnlyList<VectorSection> Sections { get; } = Load();

    public static VectorSection Single(string fileName) => Sections.Single(s => s.FileName == fileName);

    private static List<VectorSection> Load()
    {
        var lines = File.ReadAllText(Path).Replace("\r\n", "\n").Split('\n');
        var sections = new List<VectorSection>();
        var i = 0;
        while (i < lines.Length)
        {
            // A header is: rule line, one or more "## " lines, rule line.
            if (!lines[i].StartsWith(Rule, StringComparison.Ordinal) || i + 1 >= lines.Length || !lines[i + 1].StartsWith("## ", StringComparison.Ordinal))
            {
                i++;
                continue;
            }

            var header = new List<string>();
            i++;
            while (i < lines.Length && lines[i].StartsWith("## ", StringComparison.Ordinal))
            {
                header.Add(lines[i++]);
            }

            if (i >= lines.Length || !lines[i].StartsWith(Rule, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"Unterminated section header: {header[0]}");
            }

            i++;
            var body = new List<string>();
            while (i < lines.Length && !lines[i].StartsWith(Rule, StringComparison.Ordinal))
            {
                body.Add(lines[i++]);
            }

            var fileName = FileNamePattern().Match(header[0]) is { Success: true } m
                ? m.Groups[1].Value
                : throw new InvalidDataException($"No file name in header: {header[0]}");
            sections.Add(new VectorSection(string.Join('\n', header), fileName, body));
        }

        return sections;
    }

    [GeneratedRegex(@"file (\S+)")]
    private static partial Regex FileNamePattern();
}
