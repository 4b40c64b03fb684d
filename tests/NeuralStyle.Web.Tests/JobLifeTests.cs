using System.Net;
using System.Text.Json;
using NeuralStyle.Imaging;

namespace NeuralStyle.Web.Tests;

/// <summary>A job's life through the API: start, follow, previews, result, cancel, delete.</summary>
public sealed class JobLifeTests
{
    [SkippableFact]
    public async Task A_job_is_accepted_streams_its_progress_and_ends_with_a_result_of_the_asked_size()
    {
        using var factory = new WebAppFactory(new Dictionary<string, string> { ["PreviewInterval"] = "2" });
        using var client = factory.CreateClient();

        using var response = await client.PostAsync("/api/jobs", JobClient.Form(JobClient.Tiny, TestImages.ContentPng));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = await JobClient.JsonAsync(response);
        var id = job.GetProperty("id").GetString()!;
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal($"/api/jobs/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal($"/api/jobs/{id}/events", job.GetProperty("eventsUrl").GetString());

        var events = await JobClient.ReadEventsAsync(client, id, TimeSpan.FromMinutes(2));
        Assert.All(events[..^1], e => Assert.Equal("progress", e.Event));
        var end = events[^1];
        Assert.Equal("end", end.Event);
        Assert.Equal("succeeded", end.Data.GetProperty("state").GetString());
        Assert.Equal(6, end.Data.GetProperty("iteration").GetInt32());
        Assert.Equal(6, end.Data.GetProperty("totalIterations").GetInt32());

        // Every iteration's loss arrives exactly once over the stream's events, in order.
        var iterations = events.SelectMany(e => e.Data.GetProperty("losses").EnumerateArray().Select(p => p[0].GetInt32())).ToArray();
        Assert.Equal(Enumerable.Range(1, 6), iterations);

        // Previews show every second iteration (the latest one at each report), the last one the result, each a JPEG of the run's size.
        var previews = events.Select(e => e.Data.GetProperty("previewUrl").GetString()).Where(u => u is not null).Distinct().ToArray();
        Assert.All(previews, url => Assert.Matches($"^/api/jobs/{id}/preview\\?iteration=[246]$", url));
        Assert.Equal($"/api/jobs/{id}/preview?iteration=6", end.Data.GetProperty("previewUrl").GetString());
        using var preview = await client.GetAsync($"/api/jobs/{id}/preview");
        Assert.Equal("image/jpeg", preview.Content.Headers.ContentType?.MediaType);
        var previewImage = RgbImage.Load(await preview.Content.ReadAsByteArrayAsync());
        Assert.Equal((48, 32), (previewImage.Width, previewImage.Height));

        // The result: a PNG, 48 × 32 (the 96 × 64 photo with its longest side at 48), offered as a download.
        var resultUrl = end.Data.GetProperty("resultUrl").GetString();
        Assert.Equal($"/api/jobs/{id}/result", resultUrl);
        using var result = await client.GetAsync(resultUrl);
        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        Assert.Equal("image/png", result.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", result.Content.Headers.ContentDisposition?.DispositionType);
        var image = RgbImage.Load(await result.Content.ReadAsByteArrayAsync());
        Assert.Equal((48, 32), (image.Width, image.Height));

        // GET gives the same end state, with the whole loss history.
        var state = await JobClient.GetAsync(client, id);
        Assert.Equal("succeeded", state.GetProperty("state").GetString());
        Assert.Equal(6, state.GetProperty("losses").GetArrayLength());

        // The store keeps its result and final preview, nothing else (its images and checkpoint are gone), and no file is left in the worker's folder.
        Assert.Equal(["preview", "result"], factory.StoredFileKinds(id));
        Assert.Empty(factory.WorkFiles());
    }

    [SkippableFact]
    public async Task Cancelling_a_running_job_ends_it_cancelled_with_no_result()
    {
        using var factory = new WebAppFactory();
        using var client = factory.CreateClient();
        var id = (await JobClient.StartAsync(client, JobClient.Long)).GetProperty("id").GetString()!;
        await WaitUntilAsync(client, id, j => j.GetProperty("iteration").GetInt32() >= 2);

        using var cancel = await client.DeleteAsync($"/api/jobs/{id}");
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);

        var end = await JobClient.WaitForEndAsync(client, id);
        Assert.Equal("canceled", end.GetProperty("state").GetString());
        Assert.Equal("Cancelled by the user.", end.GetProperty("error").GetString());
        Assert.True(end.GetProperty("iteration").GetInt32() < 1000);
        using var result = await client.GetAsync($"/api/jobs/{id}/result");
        Assert.Equal(HttpStatusCode.Conflict, result.StatusCode);
        Assert.Empty(factory.StoredFileKinds(id));
        Assert.Empty(factory.WorkFiles());
    }

    [SkippableFact]
    public async Task Deleting_a_finished_job_removes_it_and_its_result()
    {
        using var factory = new WebAppFactory();
        using var client = factory.CreateClient();
        var id = (await JobClient.StartAsync(client)).GetProperty("id").GetString()!;
        Assert.Equal("succeeded", (await JobClient.WaitForEndAsync(client, id)).GetProperty("state").GetString());
        Assert.Contains("result", factory.StoredFileKinds(id));

        using var delete = await client.DeleteAsync($"/api/jobs/{id}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Empty(factory.StoredFileKinds(id));
        using var gone = await client.GetAsync($"/api/jobs/{id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("application/problem+json", gone.Content.Headers.ContentType?.MediaType);
    }

    [SkippableFact]
    public async Task Two_styles_with_blend_weights_and_the_main_settings_run()
    {
        using var factory = new WebAppFactory();
        using var client = factory.CreateClient();
        var settings = new Dictionary<string, string>(JobClient.Tiny)
        {
            ["styleWeight"] = "0.02",
            ["preserveColors"] = "luminance",
            ["precision"] = "bfloat16",
            ["styleBlend"] = "3,1",
            ["seed"] = "7",
        };
        using var response = await client.PostAsync("/api/jobs", JobClient.Form(settings, TestImages.ContentPng, TestImages.StylePng, TestImages.SecondStylePng));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await JobClient.JsonAsync(response)).GetProperty("id").GetString()!;
        Assert.Equal("succeeded", (await JobClient.WaitForEndAsync(client, id)).GetProperty("state").GetString());
    }

    [SkippableFact]
    public async Task The_OpenAPI_document_describes_every_endpoint()
    {
        using var factory = new WebAppFactory();
        using var client = factory.CreateClient();
        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths");
        Assert.True(paths.GetProperty("/api/jobs").TryGetProperty("post", out var post));
        Assert.Contains("styleWeight", post.GetProperty("description").GetString());
        var form = post.GetProperty("requestBody").GetProperty("content").GetProperty("multipart/form-data").GetProperty("schema");
        Assert.Equal(["content", "styles"], form.GetProperty("required").EnumerateArray().Select(e => e.GetString()).Order());
        Assert.True(form.GetProperty("properties").TryGetProperty("iterations", out _));
        Assert.True(paths.GetProperty("/api/jobs/{id}").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/jobs/{id}").TryGetProperty("delete", out _));
        Assert.True(paths.GetProperty("/api/jobs/{id}/events").GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("text/event-stream", out _));
        Assert.True(paths.GetProperty("/api/jobs/{id}/preview").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/jobs/{id}/result").TryGetProperty("get", out _));

        // What the API does: a started job's Location, Retry-After on refusals that pass, numbers typed as numbers.
        Assert.True(post.GetProperty("responses").GetProperty("202").GetProperty("headers").TryGetProperty("Location", out _));
        Assert.True(post.GetProperty("responses").GetProperty("503").GetProperty("headers").TryGetProperty("Retry-After", out _));
        Assert.Equal("integer", form.GetProperty("properties").GetProperty("iterations").GetProperty("type").GetString());
        Assert.Equal("number", form.GetProperty("properties").GetProperty("styleWeight").GetProperty("type").GetString());
        var types = new List<string>();
        void Collect(JsonElement element)
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "type" && property.Value.ValueKind == JsonValueKind.Array)
                    {
                        types.Add(string.Join("|", property.Value.EnumerateArray().Select(t => t.GetString())));
                    }

                    Collect(property.Value);
                }
            }
            else if (element.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item);
                }
            }
        }

        Collect(document.RootElement.GetProperty("components"));
        Assert.DoesNotContain(types, t => t.Contains("string", StringComparison.Ordinal) && (t.Contains("integer", StringComparison.Ordinal) || t.Contains("number", StringComparison.Ordinal)));
    }

    [SkippableFact]
    public async Task The_page_is_served_with_its_script_and_styles_from_the_app_itself()
    {
        using var factory = new WebAppFactory();
        using var client = factory.CreateClient();
        var page = await client.GetStringAsync("/");
        Assert.Contains("<script src=\"js/app.js\"", page);
        Assert.DoesNotMatch("(src|href)=\"(https?:)?//", page); // nothing fetched from elsewhere at run time
        Assert.Contains("EventSource", await client.GetStringAsync("/js/app.js"));
        Assert.Contains("@media (max-width", await client.GetStringAsync("/css/app.css"));
    }

    internal static async Task<JsonElement> WaitUntilAsync(HttpClient client, string id, Func<JsonElement, bool> condition)
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var response = await client.GetAsync($"/api/jobs/{id}/events", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));
        while (await reader.ReadLineAsync(cancel.Token) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                var job = JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone();
                if (condition(job))
                {
                    return job;
                }
            }
        }

        throw new InvalidOperationException("The event stream ended before the condition held.");
    }
}
