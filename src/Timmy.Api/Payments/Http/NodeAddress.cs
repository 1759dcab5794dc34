namespace Timmy.Api.Payments.Http;

internal static class NodeAddress
{
    /// <summary>The node's base URL with a trailing slash, so relative paths keep any prefix (…/lnbits/api/v1).</summary>
    public static Uri BaseUri(string? url, string setting)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException($"{setting} must be an absolute http(s) URL, got '{url}'");
        }

        return uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }
}
