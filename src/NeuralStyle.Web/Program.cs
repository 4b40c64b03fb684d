using NeuralStyle.Web;

// The NeuralStyle web app: a page to stylise a photo and watch it form, and the HTTP API behind it.
// `dotnet run --project src/NeuralStyle.Web` serves it on http://localhost:5000; see docs/web.md.
// A bad setting, or a job store that cannot be reached, ends the process before it serves anything,
// with one line naming it and exit code 1.
var builder = WebApplication.CreateBuilder(args);
try
{
    WebApp.AddServices(builder);
}
catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
{
    await Console.Error.WriteLineAsync($"neural-style-web: {WebApp.SettingError(ex)}");
    return 1;
}

var app = builder.Build();
WebApp.MapEndpoints(app);
try
{
    await app.RunAsync();
}
catch (System.Data.Common.DbException ex)
{
    // The job store could not be opened at start-up (PostgreSQL down or refusing, SQLite file unreadable).
    await Console.Error.WriteLineAsync($"neural-style-web: the job store cannot be reached ({WebApp.SettingError(ex)}); check NeuralStyle:PostgreSqlConnection or the data folder.");
    return 1;
}

return 0;

/// <summary>The app's entry point, public so that tests can host it (WebApplicationFactory).</summary>
public partial class Program;
