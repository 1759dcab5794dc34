namespace Timmy.Lightning.Tests;

/// <summary>One example from the BOLT #11 spec: its "> ###" title, invoice and breakdown text.</summary>
public sealed record SpecVector(string Title, string Invoice, bool IsValid, string Breakdown)
{
    public override string ToString() => Title;
}

/// <summary>
/// Reads Vectors/bolt11-vectors.txt. Each example starts with a "> #" title line; the invoice is
/// the next non-blank line (with or without a "> " prefix); examples after the
/// "# Examples of Invalid Invoices" heading are invalid.
/// </summary>
public static class SpecVectors
{
    private const string InvalidHeading = "# Examples of Invalid Invoices";

    private static readonly Lazy<IReadOnlyList<SpecVector>> Cached = new(Load);

    public static IReadOnlyList<SpecVector> All => Cached.Value;

    public static IEnumerable<SpecVector> Valid => All.Where(v => v.IsValid);

    public static IEnumerable<SpecVector> Invalid => All.Where(v => !v.IsValid);

    public static SpecVector Get(string titleStart) => All.Single(v => v.Title.StartsWith(titleStart, StringComparison.Ordinal));

    public static string PathToFile => Path.Combine(AppContext.BaseDirectory, "Vectors", "bolt11-vectors.txt");

    private static List<SpecVector> Load()
    {
        var lines = File.ReadAllLines(PathToFile);
        var vectors = new List<SpecVector>();
        var inInvalid = false;
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() == InvalidHeading)
            {
                inInvalid = true;
                continue;
            }

            if (!lines[i].StartsWith("> #", StringComparison.Ordinal))
            {
                continue;
            }

            var title = lines[i].TrimStart('>', ' ', '#');
            var j = i + 1;
            while (j < lines.Length && Unquote(lines[j]).Length == 0)
            {
                j++;
            }

            var invoice = Unquote(lines[j]);
            var end = j + 1;
            while (end < lines.Length && !lines[end].StartsWith("> #", StringComparison.Ordinal) && lines[end].Trim() != InvalidHeading)
            {
                end++;
            }

            vectors.Add(new SpecVector(title, invoice, !inInvalid, string.Join('\n', lines[(j + 1)..end])));
            i = end - 1;
        }

        return vectors;
    }

    private static string Unquote(string line) => line.TrimStart('>').Trim();
}
