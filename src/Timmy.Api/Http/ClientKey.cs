using System.Net;
using System.Net.Sockets;

namespace Timmy.Api.Http;

/// <summary>
/// Who a request counts against, for every per-client limit (the demo, creation, open streams): an IPv4 client by
/// its address, an IPv6 client by its /64, since one subscriber is routinely handed a whole /64 and could otherwise
/// rotate through 2^64 addresses. The address is the one after trusted proxies (see ForwardedHeadersRegistration).
/// </summary>
public static class ClientKey
{
    public const string Unknown = "unknown";

    public static string For(HttpContext http) => For(http.Connection.RemoteIpAddress);

    public static string For(IPAddress? address)
    {
        if (address is null)
        {
            return Unknown;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        // The first 8 bytes; the scope (zone) id is local to this host and is dropped with the rest.
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
