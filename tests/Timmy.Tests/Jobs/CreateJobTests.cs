using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Timmy.Api.Payments;
using Timmy.Tests.Infrastructure;

namespace Timmy.Tests.Jobs;

public sealed class CreateJobTests : IDisposable
{
    private readonly TimmyFactory _factory = new();

    [Fact]
    public async Task Creating_a_job_returns_201_with_a_10_sat_eval_invoice_in_the_stub_format()
    {
        var client = _factory.CreateClient();

        var response = await client.PostRawAsync("/api/jobs", """{"request": "Explain the Lightning Network in two sentences"}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.ReadJsonAsync();
        var jobId = body.Str("jobId");
        Assert.True(Guid.TryParse(jobId, out _));
        Assert.Equal($"/api/jobs/{jobId}", response.Headers.Location?.OriginalString);
        Assert.True(DateTime.TryParse(body.Str("createdAt"), out _));
        var hash = body.Str("evalInvoice", "paymentHash");
        Assert.True(PaymentHash.IsValid(hash));
        Assert.Equal($"lnbcrt10u1stub_{hash[..16]}", body.Str("evalInvoice", "paymentRequest"));
        Assert.Equal(10, body.GetProperty("evalInvoice").GetProperty("amountSats").GetInt64());
    }

    [Fact]
    public async Task The_job_and_its_eval_invoice_are_stored_together()
    {
        var created = await _factory.CreateClient().CreateJobAsync("What is a satoshi?");

        var invoice = await _factory.WithDbAsync(db => db.Invoices.SingleAsync());
        Assert.Equal(Guid.Parse(created.Str("jobId")), invoice.JobId);
        Assert.Equal(InvoiceKind.JobEval, invoice.Kind);
        Assert.Equal(created.Str("evalInvoice", "paymentHash"), invoice.PaymentHash);
        Assert.Equal(10, invoice.AmountSats);
        Assert.Null(invoice.PaidAt);
    }

    public static TheoryData<string, string, string> BadBodies => new()
    {
        { "{}", "application/json", "Invalid request: 'request' string is required" },
        { """{"request": 42}""", "application/json", "Invalid request: 'request' string is required" },
        { """{"request": null}""", "application/json", "Invalid request: 'request' string is required" },
        { """{"request": ["a"]}""", "application/json", "Invalid request: 'request' string is required" },
        { """{"request": {"text": "a"}}""", "application/json", "Invalid request: 'request' string is required" },
        { """{"Request": "wrong case"}""", "application/json", "Invalid request: 'request' string is required" },
        { """{"request": ""}""", "application/json", "Invalid request: 'request' must not be empty" },
        { """{"request": "   \n\t "}""", "application/json", "Invalid request: 'request' must not be empty" },
        { """{"request": "nul \u0000 inside"}""", "application/json", "control character" },
        { """{"request": "bell \u0007"}""", "application/json", "control character" },
        { """{"request": "lone \ud800 surrogate"}""", "application/json", "not valid Unicode" },
        { """{"request": "unterminated""", "application/json", "Malformed JSON" },
        { "{request: 'single quotes'}", "application/json", "Malformed JSON" },
        { """{"request": "a",}""", "application/json", "Malformed JSON" },
        { "", "application/json", "Request body is required" },
        { "[\"request\"]", "application/json", "must be a JSON object" },
        { "\"just a string\"", "application/json", "must be a JSON object" },
        { """{"request": "hello"}""", "text/plain", "Content-Type must be application/json" },
        { """{"request": "hello"}""", "application/x-www-form-urlencoded", "Content-Type must be application/json" },
        { "{\"request\": \"deep\", \"x\": " + new string('[', 40) + new string(']', 40) + "}", "application/json", "nested deeper than 32 levels" },
    };

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    [InlineData("deflate")]
    public async Task A_compressed_body_is_refused_rather_than_read_as_plain_json(string coding)
    {
        var content = new StringContent("""{"request": "hello"}""", System.Text.Encoding.UTF8, "application/json");
        content.Headers.ContentEncoding.Add(coding);

        var response = await _factory.CreateClient().PostAsync("/api/jobs", content);

        Assert.Contains("Content-Encoding", await response.AssertErrorAsync(HttpStatusCode.BadRequest));
        Assert.Equal(0, await _factory.CountRowsAsync());
    }

    [Fact]
    public async Task An_identity_content_encoding_is_plain_json()
    {
        var content = new StringContent("""{"request": "hello"}""", System.Text.Encoding.UTF8, "application/json");
        content.Headers.ContentEncoding.Add("identity");

        Assert.Equal(HttpStatusCode.Created, (await _factory.CreateClient().PostAsync("/api/jobs", content)).StatusCode);
    }

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_bodies_get_a_400_json_error_and_write_nothing(string body, string contentType, string expected)
    {
        var response = await _factory.CreateClient().PostRawAsync("/api/jobs", body, contentType);

        var error = await response.AssertErrorAsync(HttpStatusCode.BadRequest);
        Assert.Contains(expected, error);
        Assert.Equal(0, await _factory.CountRowsAsync());
    }

    [Fact]
    public async Task A_request_over_the_maximum_length_is_refused_with_the_limit_named()
    {
        var response = await _factory.CreateClient().PostRawAsync("/api/jobs", $$"""{"request": "{{new string('a', 4001)}}"}""");

        var error = await response.AssertErrorAsync(HttpStatusCode.BadRequest);
        Assert.Contains("at most 4000 characters", error);
        Assert.Equal(0, await _factory.CountRowsAsync());
    }

    [Fact]
    public async Task A_request_at_the_maximum_length_is_accepted()
    {
        var response = await _factory.CreateClient().PostRawAsync("/api/jobs", $$"""{"request": "{{new string('a', 4000)}}"}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData(100 * 1024)]
    [InlineData(2 * 1024 * 1024)]
    public async Task An_oversized_body_is_refused(int bytes)
    {
        var padding = new string('x', bytes);
        var response = await _factory.CreateClient().PostRawAsync("/api/jobs", $$"""{"request": "hi", "padding": "{{padding}}"}""");

        var error = await response.AssertErrorAsync(HttpStatusCode.BadRequest);
        Assert.Contains("too large", error);
        Assert.Equal(0, await _factory.CountRowsAsync());
    }

    [Fact]
    public async Task An_oversized_chunked_body_without_content_length_is_refused()
    {
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($$"""{"request": "{{new string('x', 200_000)}}"}""")));
        content.Headers.ContentType = new("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobs") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await _factory.CreateClient().SendAsync(request);

        var error = await response.AssertErrorAsync(HttpStatusCode.BadRequest);
        Assert.Contains("too large", error);
    }

    [Fact]
    public async Task Unicode_requests_are_accepted_and_returned_intact()
    {
        const string request = "Explique le réseau Lightning ⚡ en deux phrases 🙂 — 日本語も";
        var created = await _factory.CreateClient().CreateJobAsync(request);

        var stored = await _factory.WithDbAsync(db => db.Jobs.SingleAsync());
        Assert.Equal(request, stored.Request);
        Assert.Equal(created.Str("jobId"), stored.Id.ToString());
    }

    public void Dispose() => _factory.Dispose();
}
