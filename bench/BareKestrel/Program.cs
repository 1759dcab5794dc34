// The framework's ceiling for a job poll: the same host builder, logging levels and environment as Timmy,
// and one minimal-API route that answers GET /api/jobs/{id} with the exact bytes of a real Timmy job poll
// response (the file named by the BodyFile setting). No database, no services: whatever Timmy's poll costs
// beyond this is Timmy's own work.
var builder = WebApplication.CreateBuilder(args);
var bodyFile = builder.Configuration["BodyFile"]
    ?? throw new InvalidOperationException("Set BodyFile (e.g. --BodyFile=/tmp/poll.json) to the response to serve");
var body = File.ReadAllBytes(bodyFile);

var app = builder.Build();
app.MapGet("/api/healthz", () => TypedResults.Ok(new { status = "ok" }));
app.MapGet("/api/jobs/{id}", (string id) => TypedResults.Bytes(body, "application/json; charset=utf-8"));
app.Run();
