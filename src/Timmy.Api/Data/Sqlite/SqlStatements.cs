namespace Timmy.Api.Data.Sqlite;

/// <summary>Tells reads from writes by a statement's first keyword, after any leading comments (EF puts query tags there).</summary>
public static class SqlStatements
{
    /// <summary>False only for statements that cannot write: SELECT, EXPLAIN and PRAGMA reads. Unsure means true.</summary>
    public static bool MayWrite(string? sql)
    {
        var text = SkipCommentsAndSpace(sql.AsSpan());
        return !(StartsWithKeyword(text, "SELECT") || StartsWithKeyword(text, "EXPLAIN") || StartsWithKeyword(text, "PRAGMA"));
    }

    private static ReadOnlySpan<char> SkipCommentsAndSpace(ReadOnlySpan<char> text)
    {
        while (true)
        {
            text = text.TrimStart();
            if (text.StartsWith("--"))
            {
                var end = text.IndexOf('\n');
                text = end < 0 ? [] : text[(end + 1)..];
            }
            else if (text.StartsWith("/*"))
            {
                var end = text.IndexOf("*/");
                text = end < 0 ? [] : text[(end + 2)..];
            }
            else
            {
                return text;
            }
        }
    }

    private static bool StartsWithKeyword(ReadOnlySpan<char> text, string keyword) =>
        text.StartsWith(keyword, StringComparison.OrdinalIgnoreCase)
        && (text.Length == keyword.Length || !char.IsLetterOrDigit(text[keyword.Length]) && text[keyword.Length] != '_');
}
