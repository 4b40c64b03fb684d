using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using NeuralStyle.Web.Configuration;
using NeuralStyle.Web.Jobs;
using NeuralStyle.Web.Security;
using NeuralStyle.Web.Store;
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

        jobs.MapGet("/{id}", GetAsync)
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

        jobs.MapGet("/{id}/preview", PreviewAsync)
            .WithName("GetJobPreview")
            .WithSummary("The latest preview image (JPEG)")
            .Produces(StatusCodes.Status200OK, contentType: "image/jpeg")
            .ProducesProblem(StatusCodes.Status404NotFound);

        jobs.MapGet("/{id}/result", ResultAsync)
            .WithName("GetJobResult")
            .WithSummary("The result image (PNG)")
            .Produces(StatusCodes.Status200OK, contentType: "image/png")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        jobs.MapDelete("/{id}", DeleteAsync)
            .WithName("DeleteJob")
            .WithSummary("Cancel a job, or delete a finished one and its result")
            .Produces<JobView>(StatusCodes.Status202Accepted)
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> CreateAsync(
        HttpContext context, IJobStore store, JobSettings settings, JobUploadReader uploads, IOptions<WebAppOptions> options, IHostApplicationLifetime lifetime, TimeProvider time, IServiceProvider services)
    {
        JobUpload? upload = null;
        try
        {
            if (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                throw StoppingRefusal(); // before the upload is read
            }

            upload = await uploads.ReadAsync(context.Request, context.RequestAborted);
            _ = settings.ToOptions(upload, options.Value); // every setting checked now, not by the worker
            var submission = new JobSubmission(NewId(), RequestOrigin.ClientOf(context), upload.Settings, upload.ContentFile, upload.StyleFiles);
            upload.Memory.Dispose(); // the store keeps the files; the decoded images are no longer needed
            upload = null;

            var limits = new SubmitLimits(options.Value.MaxJobsPerClient, options.Value.MaxQueuedJobs, options.Value.SubmitsPerMinute);
            var outcome = await store.SubmitAsync(submission, limits, time.GetUtcNow(), CancellationToken.None);
            if (outcome.UnfinishedForClient is { } unfinished)
            {
                throw new RequestRefusedException(
                    StatusCodes.Status429TooManyRequests,
                    "Too many jobs",
                    $"You have {unfinished} unfinished jobs, the most one client may have; wait for one to finish or cancel it.");
            }

            if (outcome.RetryAfter is { } retryAfter)
            {
                throw SubmitRateLimit.Refusal(options.Value.SubmitsPerMinute, retryAfter);
            }

            if (outcome.Queued is { } queued)
            {
                throw new RequestRefusedException(StatusCodes.Status429TooManyRequests, "Queue full", $"The queue is full ({queued} jobs waiting); try again in a few minutes.");
            }

            // A worker in this process takes the job now if it has a free slot, so that the answer says "running".
            if (services.GetService<JobWorker>() is { } worker)
            {
                await worker.FillFreeSlotsAsync(CancellationToken.None);
            }

            var job = await store.FindAsync(submission.Id, CancellationToken.None) ?? outcome.Job!;
            return TypedResults.Accepted($"/api/jobs/{job.Id}", JobView.Of(job, []));
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

    private static async Task<IResult> GetAsync(string id, IJobStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(id, cancellationToken) is not { } job)
        {
            return NotFound();
        }

        await store.TouchAsync(id, time.GetUtcNow(), cancellationToken);
        return TypedResults.Ok(JobView.Of(job, await store.LossesAsync(id, 0, cancellationToken)));
    }

    private static async Task EventsAsync(
        string id, HttpContext context, IJobStore store, JobWatchers watchers, TimeProvider time, IHostApplicationLifetime lifetime, IOptions<JsonOptions> json)
    {
        if (await store.FindAsync(id, context.RequestAborted) is null)
        {
            await NotFound().ExecuteAsync(context);
            return;
        }

        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";

        // The stream ends when the client goes away, or when this front end stops: the page's
        // EventSource then connects again, to this front end once it is back or to another.
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var token = ending.Token;
        using var watching = watchers.Watch(id);
        await store.TouchAsync(id, time.GetUtcNow(), token);
        var version = -1L;
        var lossesSent = 0;
        var lastWrite = TimeProvider.System.GetTimestamp();
        try
        {
            while (true)
            {
                var changed = store.WaitForChangeAsync(id, token); // waits from before the job is read: no change is missed
                if (await store.FindAsync(id, token) is not { } job)
                {
                    return; // deleted
                }

                if (job.Version != version)
                {
                    version = job.Version;
                    var losses = await store.LossesAsync(id, lossesSent, token);
                    lossesSent = losses.Count > 0 ? losses[^1].Iteration : lossesSent;
                    await WriteEventAsync(response, job.IsFinished ? "end" : "progress", JsonSerializer.Serialize(JobView.Of(job, losses), json.Value.SerializerOptions), token);
                    lastWrite = TimeProvider.System.GetTimestamp();
                    if (job.IsFinished)
                    {
                        return;
                    }
                }

                await changed;
                if (TimeProvider.System.GetElapsedTime(lastWrite) >= Heartbeat)
                {
                    await WriteAndFlushAsync(response, ": keep-alive\n\n", token);
                    lastWrite = TimeProvider.System.GetTimestamp();
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The client went away, or this front end is stopping.
        }
    }

    private static async Task<IResult> PreviewAsync(string id, IJobStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(id, cancellationToken) is null)
        {
            return NotFound();
        }

        await store.TouchAsync(id, time.GetUtcNow(), cancellationToken);
        return await store.PreviewAsync(id, cancellationToken) is { } jpeg
            ? TypedResults.File(jpeg, "image/jpeg")
            : Problem(StatusCodes.Status404NotFound, "No preview yet", "The job has no preview yet; the first comes a few iterations after it starts.");
    }

    private static async Task<IResult> ResultAsync(string id, IJobStore store, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(id, cancellationToken) is not { } job)
        {
            return NotFound();
        }

        if (job.State != JobState.Succeeded)
        {
            return Problem(StatusCodes.Status409Conflict, "No result", $"The job is {SqlJobStore.StateName(job.State)}; a result exists once it has succeeded.");
        }

        return await store.ResultAsync(id, cancellationToken) is { } png
            ? TypedResults.File(png, "image/png", fileDownloadName: $"neural-style-{job.Id[..8]}.png")
            : NotFound();
    }

    private static async Task<IResult> DeleteAsync(string id, IJobStore store, TimeProvider time)
    {
        if (await store.FindAsync(id, CancellationToken.None) is not { } job)
        {
            return NotFound();
        }

        if (!job.IsFinished)
        {
            var cancelled = await store.CancelAsync(id, "Cancelled by the user.", time.GetUtcNow(), CancellationToken.None) ?? job;
            return TypedResults.Accepted($"/api/jobs/{job.Id}", JobView.Of(cancelled, []));
        }

        await store.DeleteAsync(id, CancellationToken.None);
        return TypedResults.NoContent();
    }

    /// <summary>The answer to a job submitted once the server has begun to stop.</summary>
    public static RequestRefusedException StoppingRefusal() =>
        new(StatusCodes.Status503ServiceUnavailable, "Server stopping", "The server is stopping and takes no new jobs; try again in a minute.") { RetryAfter = TimeSpan.FromSeconds(60) };

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

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
