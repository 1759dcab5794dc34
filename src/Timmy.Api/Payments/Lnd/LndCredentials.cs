using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Timmy.Api.Payments.Lnd;

/// <summary>How Timmy proves itself to LND (the macaroon) and recognises LND (its self-signed certificate).</summary>
internal static class LndCredentials
{
    public const string MacaroonHeader = "Grpc-Metadata-macaroon";

    /// <summary>The macaroon as hex: the setting itself when it is hex, else the contents of the file it names.</summary>
    public static string MacaroonHex(LndOptions lnd)
    {
        var value = lnd.Macaroon?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            throw new InvalidOperationException("Lightning:Lnd:Macaroon is required: the macaroon in hex, or the path of its file");
        }

        if (value.Length % 2 == 0 && value.All(Uri.IsHexDigit))
        {
            return value.ToLowerInvariant();
        }

        if (!File.Exists(value))
        {
            throw new InvalidOperationException($"Lightning:Lnd:Macaroon is neither hex nor an existing file: {value}");
        }

        return Convert.ToHexStringLower(File.ReadAllBytes(value));
    }

    /// <summary>A handler that trusts exactly the pinned certificate, whatever its name or issuer.</summary>
    public static SocketsHttpHandler Handler(LndOptions lnd)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (!string.IsNullOrEmpty(lnd.TlsCertPath))
        {
            var pinned = PinnedThumbprint(lnd.TlsCertPath);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && certificate.GetCertHash(HashAlgorithmName.SHA256).AsSpan().SequenceEqual(pinned);
        }

        return handler;
    }

    private static byte[] PinnedThumbprint(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"Lightning:Lnd:TlsCertPath does not exist: {path}");
        }

        // LND writes tls.cert as PEM; the loader takes PEM or DER.
        using var certificate = X509CertificateLoader.LoadCertificateFromFile(path);
        return certificate.GetCertHash(HashAlgorithmName.SHA256);
    }
}
