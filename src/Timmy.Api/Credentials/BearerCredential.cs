namespace Timmy.Api.Credentials;

/// <summary>The first step of every credential check: reading the credential off the request, here a bearer token.</summary>
public static class BearerCredential
{
    private const string Scheme = "Bearer ";

    /// <summary>The token of <c>Authorization: Bearer &lt;token&gt;</c>; null when the request carries none.</summary>
    public static string? From(HttpRequest request)
    {
        string? authorization = request.Headers.Authorization;
        return string.IsNullOrWhiteSpace(authorization) || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            ? null
            : authorization[Scheme.Length..].Trim();
    }
}
