using Timmy.Api.Data;
using Timmy.Api.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddTimmy();

var app = builder.Build();
await app.InitializeDatabaseAsync();
app.UseTimmy();

app.Run();

// Exposed so WebApplicationFactory<Program> can host the real pipeline in tests.
public partial class Program;
