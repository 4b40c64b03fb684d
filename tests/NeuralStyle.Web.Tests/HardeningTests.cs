using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using NeuralStyle.Imaging;
using NeuralStyle.Web.Jobs;
using NeuralStyle.Web.Store;
using NeuralStyle.Web.Uploads;

namespace NeuralStyle.Web.Tests;

/// <summary>
/// A hostile client and a careless operator: memory that ended jobs would keep, bodies that are not
/// forms or never end, shutdown with clients watching, requests from other sites and other hosts.
/// </summary>
public sealed class HardeningTests
{
    /// <summary>A 4000 × 2500 PNG of one flat colour: a few kilobytes that decode to 30 MB.</summary>
    private static readonly byte[] FlatPng = new RgbImage(4000, 2500, Enumerable.Repeat((byte)90, 4000 * 2500 * 3).ToArray()).Encode(ImageFormat.Png, 95);

    private static readonly long FlatDecodedBytes = 3L * 4000 * 2500;

    [SkippableFact]
    public async Task Waiting_jobs_hold_no_decoded_images_so_a_long_queue_cannot_fill_memory()
    {
        using var factory = new WebAppFactory(new Dictionary<string, string>
        {
            ["MaxJobsPerClient"] = "20", ["MaxQueuedJobs"] = "20", ["MaxInputMemoryBytes"] = (3 * FlatDecodedBytes).ToString(),
        });
        using var client = factory.CreateClient();
        var budget = factory.Services.GetRequiredService<InputMemoryBudget>();

        // Ten jobs with three times the budget's worth of decoded images: each upload's images are
        // decoded to be checked, then let go; the queue keeps the files in the store.
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            using var response = await client.PostAsync("/api/jobs", JobClient.Form(JobClient.Long, FlatPng));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            ids.Add((await JobClient.JsonAsync(response)).GetProperty("id").GetString()!);
            Assert.Equal(0, budget.InUseBytes);
        }

        Assert.Equal(9, (await JobClient.GetAsync(client, ids[^1])).GetProperty("queuePosition").GetInt32());
        foreach (var id in ids)
        {
            using var cancel = await client.DeleteAsync($"/api/jobs/{id}");
        }
    }

    [SkippableFact]
    public async Task An_upload_over_the_servers_image_memory_budget_is_refused_with_503_and_retry_after()
    {
        using var factory = new WebAppFactory(new Dictionary<string, string> { ["MaxInputMemoryBytes"] = (FlatDecodedBytes - 1).ToString() });
        using var client = factory.CreateClient();

        using var response = await client.PostAsync("/api/jobs", JobClient.Form(JobClient.Tiny, FlatPng));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(60), response.Headers.RetryAfter?.Delta);
        Assert.StartsWith("The server is checking as many uploaded images as its memory budget allows", (await JobClient.JsonAsync(response)).GetProperty("detail").GetString());
    }

    [SkippableTheory]
    [InlineData("--b\r\nContent-Disposition: form-data; name=\"size\"\r\n\r\n48\r\n")] // no closing boundary
    [InlineData("this is not multipart at all")]
    public async Task A_malformed_multipart_body_is_a_400_not_a_500(string body)
    {
        using var factory = new WebAppFactory();
        using var client = factory.CreateClient();
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");

        using var response = await client.PostAsync("/api/jobs", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("The request body is not well-formed multipart/form-data", (await JobClient.JsonAsync(response)).GetProperty("detail").GetString());
    }

    [SkippableFact]
    public async Task An_upload_that_never_completes_is_refused_with_408_and_frees_its_upload_slot()
    {
        using var factory = new WebAppFactory(new Dictionary<string, string> { ["UploadTimeout"] = "00:00:01" });
        var server = factory.StartKestrel();

        // A raw connection: the request's headers and the start of its body, then nothing; the answer is read as the server sends it.
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(server.Host, server.Port);
        var stream = socket.GetStream();
        var start = "--b\r\nContent-Disposition: form-data; name=\"content\"; filename=\"a.png\"\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /api/jobs HTTP/1.1\r\nHost: {server.Authority}\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n{start}"));
        var answer = await new StreamReader(stream, Encoding.UTF8).ReadToEndAsync(); // the server closes the connection after answering

        Assert.StartsWith("HTTP/1.1 408", answer);
        Assert.Contains("The upload did not complete within 1 s; send it over a faster connection or with smaller images.", answer);
        Assert.Equal(0, factory.Services.GetRequiredService<JobUploadReader>().UploadsInProgress);
    }

    [SkippableFact]
    public async Task Uploads_beyond_the_concurrent_limit_are_turned_away_and_a_client_that_leaves_mid_upload_frees_its_slot()
    {
        using var factory = new WebAppFactory(new Dictionary<string, string> { ["MaxConcurrentUploads"] = "1" });
        using var client = new HttpClient { BaseAddress = factory.StartKestrel() }; // real sockets: the body streams as it is sent
        var reader = factory.Services.GetRequiredService<JobUploadReader>();
        using var leave = new CancellationTokenSource();
        var stalled = client.PostAsync("/api/jobs", new StallingForm(leave.Token), leave.Token);
        await WaitUntil(() => reader.UploadsInProgress == 1);

        using (var second = await client.PostAsync("/api/jobs", JobClient.Form(JobClient.Tiny, TestImages.ContentPng)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
            Assert.NotNull(second.Headers.RetryAfter);
        }

        await leave.CancelAsync(); // the client goes away in the middle of its upload
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stalled);
        await WaitUntil(() => reader.UploadsInProgress == 0);

        using var third = await client.PostAsync("/api/jobs", JobClient.Form(JobClient.Tiny, TestImages.ContentPng));
        Assert.Equal(HttpStatusCode.Accepted, third.StatusCode);
    }

    [SkippableFact]
    public async Task A_stopping_worker_puts_its_job_back_in_the_queue_with_its_checkpoint_and_starts_no_other()
    {
        using var factory = new WebAppFactory(new Dictionary<string, string> { ["MaxJobsPerClient"] = "4", ["CheckpointInterval"] = "5" });
        using var client = factory.CreateClient();
        var running = (await JobClient.StartAsync(client, JobClient.Long)).GetProperty("id").GetString()!;
        var queued = (await JobClient.StartAsync(client, JobClient.Long)).GetProperty("id").GetString()!;
        await WaitUntil(async () => (await factory.Store.FindAsync(running, default))?.CheckpointIteration >= 10);

        await factory.Worker.StopAsync(CancellationToken.None); // what SIGTERM does to the worker

        var released = (await factory.Store.FindAsync(running, default))!;
        Assert.Equal(JobState.Queued, released.State);
        Assert.Equal(1, released.QueuePosition); // its old place: first
        Assert.Equal(1, released.Attempts);
        Assert.True(released.CheckpointIteration >= 10);
        var waiting = (await factory.Store.FindAsync(queued, default))!;
        Assert.Equal((JobState.Queued, 0, 2), (waiting.State, waiting.Attempts, waiting.QueuePosition));
        Assert.Equal(0, factory.Worker.RunningCount);
    }

    [SkippableFact]
    public async Task Every_response_carries_the_headers_a_page_people_open_needs()
    {
        using var factory = new WebAppFactory();
        using var client = factory.CreateClient();

        foreach (var path in new[] { "/", "/api/limits", "/api/jobs/0123456789abcdef0123456789abcdef" })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("DENY", string.Join(",", response.Headers.GetValues("X-Frame-Options")));
            Assert.Contains("frame-ancestors 'none'", string.Join(",", response.Headers.GetValues("Content-Security-Policy")));
            Assert.Contains("default-src 'self'", string.Join(",", response.Headers.GetValues("Content-Security-Policy")));
            Assert.Equal("no-referrer", string.Join(",", response.Headers.GetValues("Referrer-Policy")));
        }
    }

    [SkippableFact]
    public async Task A_request_for_another_host_name_is_refused_so_dns_rebinding_cannot_reach_the_jobs()
    {
        using var factory = new WebAppFactory();
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/limits");
        request.Headers.Host = "evil.example";

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var own = await client.GetAsync("/api/limits");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [SkippableFact]
    public async Task A_job_posted_from_another_sites_page_is_refused_and_scripts_and_the_own_page_pass()
    {
        using var factory = new WebAppFactory(new Dictionary<string, string> { ["MaxJobsPerClient"] = "8" });
        using var client = factory.CreateClient();

        var crossSite = await PostAsync(client, origin: "https://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, crossSite.StatusCode);
        var ownPage = await PostAsync(client, origin: "http://localhost");
        Assert.Equal(HttpStatusCode.Accepted, ownPage.StatusCode);
        var script = await PostAsync(client, origin: null);
        Assert.Equal(HttpStatusCode.Accepted, script.StatusCode);

        using var cancelFromElsewhere = new HttpRequestMessage(HttpMethod.Delete, $"/api/jobs/{(await JobClient.JsonAsync(script)).GetProperty("id").GetString()}");
        cancelFromElsewhere.Headers.Add("Origin", "https://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(cancelFromElsewhere)).StatusCode);
    }

    [SkippableFact]
    public async Task An_api_key_must_be_known_and_is_its_own_client_for_the_limits()
    {
        const string Key = "a-key-for-tests-0123456789";
        using var factory = new WebAppFactory(new Dictionary<string, string> { ["ApiKeys:0"] = Key, ["MaxJobsPerClient"] = "1" });
        using var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(client, apiKey: "not-a-key-of-this-server")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(client, apiKey: Key)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await PostAsync(client, apiKey: Key)).StatusCode); // the key's one unfinished job
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(client)).StatusCode); // the address without a key is another client
    }

    [SkippableFact]
    public async Task Submissions_beyond_the_rate_limit_are_refused_with_429_and_retry_after()
    {
        using var factory = new WebAppFactory(new Dictionary<string, string> { ["SubmitsPerMinute"] = "2" });
        using var client = factory.CreateClient();

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add(await client.PostAsync("/api/jobs", JobClient.Form(new Dictionary<string, string> { ["size"] = "abc" }, TestImages.ContentPng)));
        }

        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests], answers.Select(a => a.StatusCode));
        Assert.NotNull(answers[2].Headers.RetryAfter);
        Assert.Equal("application/problem+json", answers[2].Content.Headers.ContentType?.MediaType);
    }

    [SkippableFact]
    public async Task Messages_name_the_forms_fields_not_the_librarys_properties()
    {
        using var factory = new WebAppFactory();
        using var client = factory.CreateClient();
        var tooSmall = new RgbImage(4, 400, new byte[4 * 400 * 3]).Encode(ImageFormat.Png, 95);

        using var response = await client.PostAsync("/api/jobs", JobClient.Form(JobClient.Tiny, tooSmall));
        var id = (await JobClient.JsonAsync(response)).GetProperty("id").GetString()!;
        var end = await JobClient.WaitForEndAsync(client, id);

        var error = end.GetProperty("error").GetString()!;
        Assert.Contains("set size to at least", error);
        Assert.DoesNotContain("OutputSize", error);
    }

    /// <summary>Waits for something another thread does; a minute without it fails the test rather than hang it.</summary>
    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 6000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }

    private static async Task WaitUntil(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 600; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("The condition did not come true within a minute.");
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string? origin = null, string? apiKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobs") { Content = JobClient.Form(JobClient.Long, TestImages.ContentPng) };
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        return await client.SendAsync(request);
    }

    /// <summary>A multipart body that sends its first part's headers and then nothing, until cancelled.</summary>
    private sealed class StallingForm : HttpContent
    {
        private readonly CancellationToken _until;

        public StallingForm(CancellationToken until)
        {
            _until = until;
            Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            await stream.WriteAsync("--b\r\nContent-Disposition: form-data; name=\"content\"; filename=\"a.png\"\r\n\r\n"u8.ToArray(), cancellationToken);
            await stream.FlushAsync(cancellationToken);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(_until, cancellationToken);
            try
            {
                await Task.Delay(Timeout.Infinite, either.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
