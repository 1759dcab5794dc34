// The framework's ceiling for a job poll: the same host builder, logging levels and environment as Timmy,
// and one minimal-API route that answers GET /api/jobs/{id} with the exact bytes of a real Timmy job poll
// response (the file named by the BodyFile setting). No database, no services: whatever Timmy's poll costs
// beyond this is Timmy's own work.
// The content root is the build output, so its appsettings.json (Timmy's logging levels) applies whatever the
// working directory; without it every request would be logged at Information.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
var bodyFile = builder.Configuration["BodyFile"]
    ?? throw new InvalidOperationException("Set BodyFile (e.g. --BodyFile=/tmp/poll.json) to the response to serve");
var body = File.ReadAllBytes(bodyFile);

var app = builder.Build();
app.MapGet("/api/healthz", () => TypedResults.Ok(new { status = "ok" }));
app.MapGet("/api/jobs/{id}", (string id) => TypedResults.Bytes(body, "application/json; charset=utf-8"));
app.Run();
