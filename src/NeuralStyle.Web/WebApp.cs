using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using NeuralStyle.Web.Api;
using NeuralStyle.Web.Configuration;
using NeuralStyle.Web.Jobs;
using NeuralStyle.Web.Security;
using NeuralStyle.Web.Store;
using NeuralStyle.Web.TrainedStyles;
using NeuralStyle.Web.Uploads;

namespace NeuralStyle.Web;

/// <summary>Composes the web app: its services (one shared engine, the job scheduler, the trained styles), the page and the API.</summary>
internal static class WebApp
{
    /// <summary>The host names served unless <c>AllowedHosts</c> is set: a page that rebinds its DNS name to this machine gets 400.</summary>
    public const string DefaultAllowedHosts = "localhost;127.0.0.1;[::1]";

    /// <summary>Registers the app's services and reads and checks its settings.</summary>
    public static void AddServices(WebApplicationBuilder builder)
    {
        // Host filtering's default, in code as well as in appsettings.json, which a process started
        // from another folder does not read: only the local names, unless AllowedHosts says otherwise.
        if (builder.Configuration["AllowedHosts"] is null)
        {
            builder.Configuration.AddInMemoryCollection([new KeyValuePair<string, string?>("AllowedHosts", DefaultAllowedHosts)]);
        }

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
        builder.Services.AddSingleton(new InputMemoryBudget(settings.MaxInputMemoryBytes));
        builder.Services.AddSingleton<JobUploadReader>();
        builder.Services.AddSingleton<IJobStore>(services => settings.PostgreSqlConnection is { } connection
            ? new SqlJobStore(new PostgresJobDatabase(connection, services.GetRequiredService<ILogger<PostgresJobDatabase>>()))
            : new SqlJobStore(new SqliteJobDatabase(Path.Combine(settings.ResolvedDataFolder, "jobs.db"))));
        builder.Services.AddHostedService<JobStoreStartup>(); // first: the tables exist before anything uses them
        builder.Services.AddSingleton<JobWatchers>();
        builder.Services.AddSingleton<JobSweeper>();
        builder.Services.AddHostedService(services => services.GetRequiredService<JobSweeper>());
        if (settings.Role != WebRole.FrontEnd)
        {
            builder.Services.AddSingleton<JobWorker>();
            builder.Services.AddHostedService(services => services.GetRequiredService<JobWorker>());
        }
        builder.Services.AddSingleton<TrainedStyleCatalogue>();
        builder.Services.AddSubmitRateLimit(settings);
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
            json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict; // numbers are numbers, in the API and in its OpenAPI document
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = settings.MaxRequestBytes);
    }

    /// <summary>
    /// A bad setting's message in one line: the app's own checks name the setting; the configuration
    /// binder's "Failed to convert configuration value 'abc' at 'NeuralStyle:MaxSize' to type 'System.Int32'"
    /// is reworded to name it too.
    /// </summary>
    public static string SettingError(Exception ex)
    {
        if (ex is InvalidOperationException && System.Text.RegularExpressions.Regex.Match(ex.Message, "value '([^']*)' at '([^']+)' to type '([^']+)'") is { Success: true } match)
        {
            var type = match.Groups[3].Value switch
            {
                "System.Int32" or "System.Int64" => "a whole number",
                "System.TimeSpan" => "a time span such as 00:01:00",
                "System.Boolean" => "true or false",
                _ => "a value of type " + match.Groups[3].Value,
            };
            return $"{match.Groups[2].Value} must be {type}; it was '{OptionValues.Shown(match.Groups[1].Value)}'.";
        }

        var message = ex.Message;
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }

    /// <summary>
    /// The middleware and endpoints: security headers, error pages as problem details, the check of
    /// cross-site requests and API keys, the rate limit, the page's static files, the API, the OpenAPI document,
    /// and <c>/health</c>. A worker serves <c>/health</c> only.
    /// </summary>
    public static void MapEndpoints(WebApplication app)
    {
        var role = app.Services.GetRequiredService<IOptions<WebAppOptions>>().Value.Role;
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapGet("/health", (IServiceProvider services) => TypedResults.Ok(HealthView.Of(role, services.GetService<JobWorker>())))
            .WithName("GetHealth")
            .WithTags("Server")
            .WithSummary("The process's role, and its worker's name and running jobs: answers while the process is up");
        if (role == WebRole.Worker)
        {
            return;
        }

        app.UseRequestOriginCheck();
        app.UseRateLimiter();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapJobEndpoints();
        app.MapTrainedStyleEndpoints();
        _ = app.Services.GetRequiredService<TrainedStyleCatalogue>(); // the models load (and bad files are logged) at start-up, not at the first request
        app.MapGet("/api/limits", (IOptions<WebAppOptions> options) => TypedResults.Ok(LimitsView.Of(options.Value)))
            .WithName("GetLimits")
            .WithTags("Server")
            .WithSummary("The server's limits (sizes, iterations, upload sizes) and whether its CPU computes bfloat16 natively");
        app.MapGet("/api/weights", () => TypedResults.Ok(StartingWeightsView.Of(RunOptionCatalogue.Default)))
            .WithName("GetStartingWeights")
            .WithTags("Server")
            .WithSummary("The content and style weights a job takes when it sets neither, for each loss normalisation and style statistic");
        app.MapOpenApi();
    }
}
