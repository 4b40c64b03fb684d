using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace NeuralStyle.Web.Tests;

/// <summary>Jobs share one engine: a bounded number run, a bounded queue waits in order, each client has a limit, and no one's job runs on unwatched.</summary>
public sealed class SchedulingTests
{
    [SkippableFact]
    public async Task Jobs_beyond_the_running_limit_wait_in_order_and_all_finish()
    {
        using var factory = new WebAppFactory(new Dictionary<string, string> { ["MaxRunningJobs"] = "2", ["MaxJobsPerClient"] = "5" });
        using var client = factory.CreateClient();

        var settings = new Dictionary<string, string>(JobClient.Tiny) { ["iterations"] = "20" };
        var jobs = new List<JsonElement>();
        for (var i = 0; i < 4; i++)
        {
            jobs.Add(await JobClient.StartAsync(client, settings));
        }

        // The one engine computes two runs at once too, and two run at once; the others wait, numbered in the order they came.
        Assert.Equal(2, factory.Services.GetRequiredService<StyleTransferEngine>().Options.MaxConcurrentRuns);
        Assert.Equal(["running", "running", "queued", "queued"], jobs.Select(j => j.GetProperty("state").GetString()));
        Assert.Equal([null, null, 1, 2], jobs.Select(j => j.GetProperty("queuePosition").ValueKind == JsonValueKind.Null ? (int?)null : j.GetProperty("queuePosition").GetInt32()));

        var ends = await Task.WhenAll(jobs.Select(j => JobClient.WaitForEndAsync(client, j.GetProperty("id").GetString()!)));
        Assert.All(ends, e => Assert.Equal("succeeded", e.GetProperty("state").GetString()));
        foreach (var job in jobs)
        {
            using var result = await client.GetAsync($"/api/jobs/{job.GetProperty("id").GetString()}/result");
            Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        }
    }

    [SkippableFact]
    public async Task A_queued_job_reports_its_place_which_moves_up_and_a_full_queue_refuses_more()
    {
        using var factory = new WebAppFactory(new Dictionary<string, string> { ["MaxRunningJobs"] = "1", ["MaxQueuedJobs"] = "2", ["MaxJobsPerClient"] = "9" });
        using var client = factory.CreateClient();

        var running = await JobClient.StartAsync(client, JobClient.Long);
        var first = await JobClient.StartAsync(client, JobClient.Long);
        var second = await JobClient.StartAsync(client, JobClient.Tiny);
        Assert.Equal(2, second.GetProperty("queuePosition").GetInt32());

        using var refused = await client.PostAsync("/api/jobs", JobClient.Form(JobClient.Tiny, TestImages.ContentPng));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("The queue is full (2 jobs waiting); try again in a few minutes.", (await JobClient.JsonAsync(refused)).GetProperty("detail").GetString());

        // Cancelling the first in the queue moves the second up; cancelling the running one lets it run.
        await client.DeleteAsync($"/api/jobs/{first.GetProperty("id").GetString()}");
        var secondId = second.GetProperty("id").GetString()!;
        Assert.Equal(1, (await JobClient.GetAsync(client, secondId)).GetProperty("queuePosition").GetInt32());
        Assert.Equal("canceled", (await JobClient.GetAsync(client, first.GetProperty("id").GetString()!)).GetProperty("state").GetString());
        await client.DeleteAsync($"/api/jobs/{running.GetProperty("id").GetString()}");
        Assert.Equal("succeeded", (await JobClient.WaitForEndAsync(client, secondId)).GetProperty("state").GetString());
    }

    [SkippableFact]
    public async Task A_client_with_too_many_unfinished_jobs_is_refused_until_one_ends()
    {
        using var factory = new WebAppFactory(new Dictionary<string, string> { ["MaxJobsPerClient"] = "1" });
        using var client = factory.CreateClient();
        var job = await JobClient.StartAsync(client, JobClient.Long);

        using var refused = await client.PostAsync("/api/jobs", JobClient.Form(JobClient.Tiny, TestImages.ContentPng));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(
            "You have 1 unfinished jobs, the most one client may have; wait for one to finish or cancel it.",
            (await JobClient.JsonAsync(refused)).GetProperty("detail").GetString());

        var id = job.GetProperty("id").GetString()!;
        await client.DeleteAsync($"/api/jobs/{id}");
        await JobClient.WaitForEndAsync(client, id);
        using var accepted = await client.PostAsync("/api/jobs", JobClient.Form(JobClient.Tiny, TestImages.ContentPng));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
    }

    [SkippableFact]
    public async Task A_job_no_one_watches_is_cancelled_and_one_with_an_open_stream_is_not()
    {
        using var factory = new WebAppFactory(new Dictionary<string, string> { ["AbandonAfter"] = "00:01:00", ["MaxJobsPerClient"] = "3", ["MaxRunningJobs"] = "2" });
        using var client = factory.CreateClient();
        var watchedId = (await JobClient.StartAsync(client, JobClient.Long)).GetProperty("id").GetString()!;
        var unwatchedId = (await JobClient.StartAsync(client, JobClient.Long)).GetProperty("id").GetString()!;

        // Someone keeps the first job's event stream open (as the page does); no one asks about the second.
        using var stream = await client.GetAsync($"/api/jobs/{watchedId}/events", HttpCompletionOption.ResponseHeadersRead);
        factory.Clock.Advance(TimeSpan.FromSeconds(59));
        await factory.SweepAsync();
        Assert.Equal("running", (await JobClient.GetAsync(client, unwatchedId)).GetProperty("state").GetString());

        // The GET just now counted as watching: a minute more without one abandons the job.
        factory.Clock.Advance(TimeSpan.FromSeconds(61));
        await factory.SweepAsync();
        var abandoned = await JobClient.WaitForEndAsync(client, unwatchedId);
        Assert.Equal("canceled", abandoned.GetProperty("state").GetString());
        Assert.Equal("Cancelled: no one watched the job for 60 s (the page was closed).", abandoned.GetProperty("error").GetString());
        Assert.Equal("running", (await JobClient.GetAsync(client, watchedId)).GetProperty("state").GetString());

        await client.DeleteAsync($"/api/jobs/{watchedId}");
    }

    [SkippableFact]
    public async Task Finished_jobs_and_their_results_are_deleted_after_their_lifetime()
    {
        using var factory = new WebAppFactory(new Dictionary<string, string> { ["ResultLifetime"] = "00:10:00" });
        using var client = factory.CreateClient();
        var id = (await JobClient.StartAsync(client)).GetProperty("id").GetString()!;
        await JobClient.WaitForEndAsync(client, id);

        factory.Clock.Advance(TimeSpan.FromMinutes(9));
        await factory.SweepAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/jobs/{id}/result")).StatusCode);
        Assert.Equal(["preview", "result"], factory.StoredFileKinds(id));

        factory.Clock.Advance(TimeSpan.FromMinutes(1));
        await factory.SweepAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/jobs/{id}/result")).StatusCode);
        Assert.Empty(factory.StoredFileKinds(id));
        Assert.Equal(0, factory.StoredJobCount());
    }
}
