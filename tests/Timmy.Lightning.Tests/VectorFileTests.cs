namespace Timmy.Lightning.Tests;

public class VectorFileTests
{
    [Fact]
    public void Vector_file_parses_into_sixteen_valid_and_ten_invalid_examples()
    {
        var titles = string.Join("\n", SpecVectors.All.Select(v => $"{v.IsValid}: {v.Title} -> {v.Invoice[..Math.Min(20, v.Invoice.Length)]}"));
        Assert.True(SpecVectors.Valid.Count() == 16, titles);
        Assert.True(SpecVectors.Invalid.Count() == 10, titles);
        Assert.All(SpecVectors.All, v => Assert.DoesNotContain(' ', v.Invoice));
    }
}
