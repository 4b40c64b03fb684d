using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using NeuralStyle.Web.Configuration;
using NeuralStyle.Web.Jobs;
using NeuralStyle.Web.Security;
using NeuralStyle.Web.Uploads;

namespace NeuralStyle.Web.Api;

/// <summary>
/// The HTTP API the page uses and scripts can call:
/// <c>POST /api/jobs</c> (multipart form) → 202 with the job;
/// <c>GET /api/jobs/{id}</c> (state, progress);
/// <c>GET /api/jobs/{id}/events</c> (server-sent events);
/// <c>GET /api/jobs/{id}/preview</c> and <c>/result</c> (images);
/// <c>DELETE /api/jobs/{id}</c> (cancel, or delete a finished job).
/// Refusals are 4xx with a problem-details body whose <c>detail</c> says what to do.
/// </summary>
internal static class JobEndpoints
{
    /// <summary>How often an idle event stream sends a comment, so that proxies and browsers keep it open.</summary>
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    public static void MapJobEndpoints(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/api/jobs").WithTags("Jobs");
        var settings = app.ServiceProvider.GetRequiredService<JobSettings>();

        jobs.MapPost("/", CreateAsync)
            .WithName("CreateJob")
            .WithSummary("Start a job")
            .WithDescription(
                "A multipart/form-data body: a file field 'content' (the photo), one or more file fields 'styles' (the artworks), " +
                "and any of the settings as fields named like the CLI's options without dashes, in camelCase: " +
                string.Join(", ", settings.Names) + ". Images are recognised by their content (PNG, JPEG, WebP, GIF, BMP). " +
                "Answers 202 with the job and its URLs (Location: the job); 400, 403, 408, 413, 415, 422, 429 or 503 with a problem-details body when refused " +
                "(429 and 503 with Retry-After).")
            .AddOpenApiOperationTransformer(JobFormDocumentation.DescribeAsync)
            .Produces<JobView>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status408RequestTimeout)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .RequireRateLimiting(SubmitRateLimit.Policy)
            .DisableAntiforgery();

        jobs.MapGet("/{id}", Get)
            .WithName("GetJob")
            .WithSummary("The job's state and progress")
            .Produces<JobView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        jobs.MapGet("/{id}/events", EventsAsync)
            .WithName("GetJobEvents")
            .WithSummary("The job's progress as server-sent events")
            .WithDescription(
                "text/event-stream: an event 'progress' with the job (as GET returns it, with only the new losses) at each change, " +
                "and a last event 'end' when the job has ended. An open stream keeps the job from being cancelled as abandoned.")
            .Produces<JobView>(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status404NotFound);

        jobs.MapGet("/{id}/preview", Preview)
            .WithName("GetJobPreview")
            .WithSummary("The latest preview image (JPEG)")
            .Produces(StatusCodes.Status200OK, contentType: "image/jpeg")
            .ProducesProblem(StatusCodes.Status404NotFound);

        jobs.MapGet("/{id}/result", Result)
            .WithName("GetJobResult")
            .WithSummary("The result image (PNG)")
            .Produces(StatusCodes.Status200OK, contentType: "image/png")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        jobs.MapDelete("/{id}", Delete)
            .WithName("DeleteJob")
            .WithSummary("Cancel a job, or delete a finished one and its result")
            .Produces<JobView>(StatusCodes.Status202Accepted)
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> CreateAsync(HttpContext context, JobScheduler scheduler, JobSettings settings, JobUploadReader uploads, IOptions<WebAppOptions> options)
    {
        JobUpload? upload = null;
        try
        {
            if (scheduler.IsStopping)
            {
                throw JobScheduler.StoppingRefusal(); // before the upload is read
            }

            upload = await uploads.ReadAsync(context.Request, context.RequestAborted);
            var job = scheduler.Submit(settings.ToOptions(upload, options.Value), RequestOrigin.ClientOf(context), upload.Memory);
            upload = null; // The job owns the images' memory now.
            return TypedResults.Accepted($"/api/jobs/{job.Id}", View(scheduler, job));
        }
        catch (RequestRefusedException ex)
        {
            return ex.ToResult(context);
        }
        catch (Exception ex) when (context.RequestAborted.IsCancellationRequested && ex is OperationCanceledException or IOException or BadHttpRequestException)
        {
            return Results.Empty; // The client went away mid-upload: no one is there to answer.
        }
        finally
        {
            upload?.Memory.Dispose();
        }
    }

    private static IResult Get(string id, JobScheduler scheduler, TimeProvider time)
    {
        if (scheduler.Find(id) is not { } job)
        {
            return NotFound();
        }

        job.Touch(time.GetUtcNow());
        return TypedResults.Ok(View(scheduler, job));
    }

    private static async Task EventsAsync(string id, HttpContext context, JobScheduler scheduler, TimeProvider time, IOptions<JsonOptions> json)
    {
        if (scheduler.Find(id) is not { } job)
        {
            await NotFound().ExecuteAsync(context);
            return;
        }

        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        var aborted = context.RequestAborted;
        using var watching = job.Watch(time);
        var lossesSent = 0;
        try
        {
            while (true)
            {
                var changed = job.WaitForChangeAsync(CancellationToken.None);
                var status = job.Status();
                var view = JobView.Of(job, status, scheduler.QueuePosition(job), lossesSent);
                lossesSent = status.Losses.Count;
                var ended = status.State is JobState.Succeeded or JobState.Failed or JobState.Canceled;
                await WriteEventAsync(response, ended ? "end" : "progress", JsonSerializer.Serialize(view, json.Value.SerializerOptions), aborted);
                if (ended)
                {
                    return;
                }

                while (await Task.WhenAny(changed, Task.Delay(Heartbeat, time, aborted)) != changed)
                {
                    aborted.ThrowIfCancellationRequested();
                    await WriteAndFlushAsync(response, ": keep-alive\n\n", aborted);
                }
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    private static IResult Preview(string id, JobScheduler scheduler, TimeProvider time)
    {
        if (scheduler.Find(id) is not { } job)
        {
            return NotFound();
        }

        job.Touch(time.GetUtcNow());
        return job.Preview is { } preview
            ? TypedResults.File(preview.Jpeg, "image/jpeg")
            : Problem(StatusCodes.Status404NotFound, "No preview yet", "The job has no preview yet; the first comes a few iterations after it starts.");
    }

    private static IResult Result(string id, JobScheduler scheduler)
    {
        if (scheduler.Find(id) is not { } job)
        {
            return NotFound();
        }

        if (job.State != JobState.Succeeded)
        {
            return Problem(StatusCodes.Status409Conflict, "No result", $"The job is {job.State.ToString().ToLowerInvariant()}; a result exists once it has succeeded.");
        }

        var path = scheduler.ResultPathOf(job);
        return File.Exists(path)
            ? TypedResults.PhysicalFile(path, "image/png", fileDownloadName: $"neural-style-{job.Id[..8]}.png")
            : NotFound();
    }

    private static IResult Delete(string id, JobScheduler scheduler)
    {
        if (scheduler.Find(id) is not { } job)
        {
            return NotFound();
        }

        if (scheduler.Cancel(job, "Cancelled by the user."))
        {
            return TypedResults.Accepted($"/api/jobs/{job.Id}", View(scheduler, job));
        }

        scheduler.Delete(job);
        return TypedResults.NoContent();
    }

    private static JobView View(JobScheduler scheduler, Job job) => JobView.Of(job, job.Status(), scheduler.QueuePosition(job));

    private static Task WriteEventAsync(HttpResponse response, string name, string data, CancellationToken cancellationToken)
    {
        var text = new StringBuilder().Append("event: ").Append(name).Append('\n').Append("data: ").Append(data).Append("\n\n").ToString();
        return WriteAndFlushAsync(response, text, cancellationToken);
    }

    private static async Task WriteAndFlushAsync(HttpResponse response, string text, CancellationToken cancellationToken)
    {
        await response.WriteAsync(text, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    private static IResult NotFound() =>
        Problem(StatusCodes.Status404NotFound, "No such job", "There is no job with this id; finished jobs are deleted after a while.");

    private static IResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);
}
