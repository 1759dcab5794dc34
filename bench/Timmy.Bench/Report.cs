using System.Globalization;

namespace Timmy.Bench;

/// <summary>The one line per run that bench/run.sh parses: <c>RESULT name key=value ...</c>.</summary>
public static class Report
{
    public static void Result(string name, params (string Key, object Value)[] fields)
    {
        var pairs = fields.Select(f => $"{f.Key}={Format(f.Value)}");
        Console.WriteLine($"RESULT {name} {string.Join(' ', pairs)}");
    }

    private static string Format(object value) => value switch
    {
        double d => d.ToString("0.###", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
