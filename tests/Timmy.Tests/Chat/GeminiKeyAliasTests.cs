using Microsoft.Extensions.Configuration;
using Timmy.Api.Hosting;

namespace Timmy.Tests.Chat;

/// <summary>
/// Sets process environment variables, which every app starting meanwhile would read, so it runs alone.
/// </summary>
[Collection(nameof(ProcessEnvironment))]
public sealed class GeminiKeyAliasTests
{
    [Fact]
    public void The_seed_key_variables_set_the_gemini_key_and_GOOGLE_API_KEY_wins_when_both_are_set()
    {
        var saved = (Google: Environment.GetEnvironmentVariable("GOOGLE_API_KEY"), Gemini: Environment.GetEnvironmentVariable("GEMINI_API_KEY"));
        try
        {
            Environment.SetEnvironmentVariable("GEMINI_API_KEY", "from-gemini-variable");
            Environment.SetEnvironmentVariable("GOOGLE_API_KEY", null);
            Assert.Equal("from-gemini-variable", GeminiKeyFromEnvironment());

            Environment.SetEnvironmentVariable("GOOGLE_API_KEY", "from-google-variable");
            Assert.Equal("from-google-variable", GeminiKeyFromEnvironment());
        }
        finally
        {
            Environment.SetEnvironmentVariable("GOOGLE_API_KEY", saved.Google);
            Environment.SetEnvironmentVariable("GEMINI_API_KEY", saved.Gemini);
        }
    }

    private static string? GeminiKeyFromEnvironment()
    {
        var configuration = new ConfigurationManager();
        configuration.AddEnvironmentVariables();
        configuration.AddSeedEnvironmentAliases();
        return configuration["Chat:Gemini:ApiKey"];
    }
}

[CollectionDefinition(nameof(ProcessEnvironment), DisableParallelization = true)]
public sealed class ProcessEnvironment;
