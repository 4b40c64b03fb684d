using NeuralStyle.Web;

// The NeuralStyle web app: a page to stylise a photo and watch it form, and the HTTP API behind it.
// `dotnet run --project src/NeuralStyle.Web` serves it on http://localhost:5000; see docs/web.md.
var builder = WebApplication.CreateBuilder(args);
WebApp.AddServices(builder);
var app = builder.Build();
WebApp.MapEndpoints(app);
app.Run();

/// <summary>The app's entry point, public so that tests can host it (WebApplicationFactory).</summary>
public partial class Program;
