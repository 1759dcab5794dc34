using System.Net;
using System.Xml.Linq;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Web;

public sealed class QrTests : IDisposable
{
    private readonly TimmyFactory _factory = new();

    [Fact]
    public async Task An_invoice_is_drawn_as_an_svg_qr_code()
    {
        var client = _factory.CreateClient();
        var invoice = (await client.CreateJobAsync("What is a satoshi?")).Str("evalInvoice", "paymentRequest");

        var response = await client.GetAsync($"/api/qr?data={Uri.EscapeDataString(invoice)}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);
        var svg = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Equal("{http://www.w3.org/2000/svg}svg", svg.Name.ToString());
        Assert.NotNull(svg.Attribute("viewBox"));
        Assert.NotEmpty(svg.Descendants("{http://www.w3.org/2000/svg}path"));
        Assert.Contains("immutable", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task The_lightning_prefix_and_letter_case_do_not_change_the_code()
    {
        var client = _factory.CreateClient();
        var plain = await client.GetStringAsync("/api/qr?data=lnbcrt10u1stub_0123456789abcdef");

        var prefixed = await client.GetStringAsync("/api/qr?data=LIGHTNING:LNBCRT10U1STUB_0123456789ABCDEF");

        Assert.Equal(plain, prefixed);
    }

    [Theory]
    [InlineData("/api/qr")]
    [InlineData("/api/qr?data=")]
    [InlineData("/api/qr?data=lightning:")]
    [InlineData("/api/qr?data=lnbc1&data=lnbc2")]
    [InlineData("/api/qr?data=lnbc%20with%20spaces")]
    [InlineData("/api/qr?data=%3Cscript%3E")]
    [InlineData("/api/qr?data=lnbc%C3%A9")]
    public async Task Anything_but_one_invoice_is_a_json_400(string path)
    {
        var response = await _factory.CreateClient().GetAsync(path);

        await response.AssertErrorAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Data_longer_than_the_limit_is_a_json_400()
    {
        var response = await _factory.CreateClient().GetAsync($"/api/qr?data=lnbc{new string('q', 2000)}");

        Assert.Contains("2000", await response.AssertErrorAsync(HttpStatusCode.BadRequest));
    }

    public void Dispose() => _factory.Dispose();
}
