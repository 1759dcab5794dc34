namespace Timmy.Api.Demo;

/// <summary>The work model's answer to a demo request.</summary>
public sealed record DemoResponse(string Result);
