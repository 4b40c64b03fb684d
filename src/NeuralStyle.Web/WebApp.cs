using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using NeuralStyle.Web.Api;
using NeuralStyle.Web.Configuration;
using NeuralStyle.Web.Jobs;
using NeuralStyle.Web.Uploads;

namespace NeuralStyle.Web;

/// <summary>Composes the web app: its services (one shared engine, the job scheduler), the page and the API.</summary>
internal static class WebApp
{
    /// <summary>Registers the app's services and reads and checks its settings.</summary>
    public static void AddServices(WebApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(WebAppOptions.Section).Get<WebAppOptions>() ?? new WebAppOptions();
        settings.Validate();
        builder.Services.Configure<WebAppOptions>(builder.Configuration.GetSection(WebAppOptions.Section));
        builder.Services.AddNeuralStyle(engine => engine with
        {
            WeightsPath = settings.WeightsPath,
            MaxConcurrentRuns = settings.MaxRunningJobs,
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new JobSettings());
        builder.Services.AddSingleton<JobScheduler>();
        builder.Services.AddHostedService<JobSweeper>();
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi(openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "NeuralStyle web API";
            document.Info.Description = "Start style transfer jobs, follow them live, fetch the results. See docs/web.md.";
            return Task.CompletedTask;
        }));
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = settings.MaxRequestBytes);
    }

    /// <summary>The middleware and endpoints: error pages as problem details, the page's static files, the API, the OpenAPI document.</summary>
    public static void MapEndpoints(WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapJobEndpoints();
        app.MapGet("/api/limits", (IOptions<WebAppOptions> options) => TypedResults.Ok(LimitsView.Of(options.Value)))
            .WithName("GetLimits")
            .WithTags("Server")
            .WithSummary("The server's limits (sizes, iterations, upload sizes) and whether its CPU computes bfloat16 natively");
        app.MapOpenApi();
    }
}
