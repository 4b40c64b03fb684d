using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using NeuralStyle.Imaging.Tests;

namespace NeuralStyle.Web.Tests;

/// <summary>Bad input and hostile clients: each refusal is a 4xx with a problem-details body that says what to do, and nothing is written.</summary>
public sealed class RefusalTests : IClassFixture<RefusalTests.Server>
{
    private readonly Server _server;

    public RefusalTests(Server server)
    {
        _server = server;
    }

    public static TheoryData<string, string, string> BadSettings => new()
    {
        // field, value, the detail (the library's own rule and wording, under the field's name)
        { "size", "0", "size must be between 16 and 8192; it was 0." },
        { "size", "abc", "size must be a whole number; it was 'abc'." },
        { "size", "2048", "size must be at most 1024 on this server; it was 2048." },
        { "iterations", "0", "iterations must be between 1 and 1000000; it was 0." },
        { "iterations", "5000", "iterations must be at most 1000 on this server; it was 5000." },
        { "styleWeight", "-1", "styleWeight must be a finite number of at least zero; it was -1." },
        { "styleWeight", "NaN", "styleWeight must be a number such as 0.5 or 1e-2; it was 'NaN'." },
        { "precision", "float16", "precision must be one of float32, fp32, bfloat16, bf16; it was 'float16'." },
        { "preserveColors", "yes", "preserveColors must be one of none, match, luminance; it was 'yes'." },
        { "styleBlend", "1,2", "styleBlend needs one weight per style image: 1 styles, 2 weights." },
        { "init", "/etc/passwd", "init must be one of content, noise; it was '/etc/passwd'." }, // no file of the server's
        { "adamAfter", "0", "adamAfter must be greater than zero; it was 0." },
    };

    [SkippableTheory]
    [MemberData(nameof(BadSettings))]
    public async Task A_bad_setting_is_refused_with_the_rule_it_breaks(string field, string value, string detail)
    {
        var settings = new Dictionary<string, string>(JobClient.Tiny) { [field] = value };
        var problem = await RefusedAsync(JobClient.Form(settings, TestImages.ContentPng), HttpStatusCode.BadRequest);
        Assert.Equal(detail, problem.GetProperty("detail").GetString());
        Assert.Equal(field, problem.GetProperty("field").GetString());
    }

    [SkippableFact]
    public async Task An_unknown_setting_is_refused_and_the_settings_are_listed()
    {
        var settings = new Dictionary<string, string>(JobClient.Tiny) { ["sise"] = "64" };
        var problem = await RefusedAsync(JobClient.Form(settings, TestImages.ContentPng), HttpStatusCode.BadRequest);
        Assert.StartsWith("'sise' is not a setting; the settings are size, iterations,", problem.GetProperty("detail").GetString());
    }

    [SkippableFact]
    public async Task A_job_without_a_content_image_or_without_a_style_is_refused()
    {
        var noContent = await RefusedAsync(JobClient.Form(JobClient.Tiny, content: null), HttpStatusCode.BadRequest);
        Assert.Equal("Choose a content photo (file field 'content').", noContent.GetProperty("detail").GetString());

        var form = new MultipartFormDataContent { { JobClient.File(TestImages.ContentPng, "image/png"), "content", "a.png" } };
        var noStyle = await RefusedAsync(form, HttpStatusCode.BadRequest);
        Assert.Equal("Choose at least one style image (file field 'styles').", noStyle.GetProperty("detail").GetString());
    }

    [SkippableFact]
    public async Task A_body_that_is_not_a_form_is_refused()
    {
        var problem = await RefusedAsync(new StringContent("{\"size\":64}", Encoding.UTF8, "application/json"), HttpStatusCode.UnsupportedMediaType);
        Assert.StartsWith("Send the job as multipart/form-data", problem.GetProperty("detail").GetString());
    }

    [SkippableFact]
    public async Task A_file_that_is_not_an_image_is_refused_whatever_its_name_and_type()
    {
        var form = new MultipartFormDataContent
        {
            { JobClient.File(TestImages.Text, "image/png"), "content", "photo.png" },
            { JobClient.File(TestImages.StylePng, "image/png"), "styles", "art.png" },
        };
        var problem = await RefusedAsync(form, HttpStatusCode.UnsupportedMediaType);
        Assert.Equal("The content image is not a PNG, JPEG, WebP, GIF or BMP image; save it in one of those formats and try again.", problem.GetProperty("detail").GetString());
        Assert.Equal("content", problem.GetProperty("field").GetString());

        var tiff = new MultipartFormDataContent
        {
            { JobClient.File(TestImages.ContentPng, "image/png"), "content", "photo.png" },
            { JobClient.File(TestImages.Tiff, "image/png"), "styles", "art.png" },
        };
        var tiffProblem = await RefusedAsync(tiff, HttpStatusCode.UnsupportedMediaType);
        Assert.StartsWith("The style image is not a PNG, JPEG", tiffProblem.GetProperty("detail").GetString());
    }

    [SkippableFact]
    public async Task An_image_is_recognised_by_its_content_not_by_its_name_or_declared_type()
    {
        var form = new MultipartFormDataContent
        {
            { JobClient.File(TestImages.ContentPng, "text/plain"), "content", "notes.txt" },
            { JobClient.File(TestImages.StylePng, "application/octet-stream"), "styles", "../../../../etc/passwd" },
        };
        foreach (var (name, value) in JobClient.Tiny)
        {
            form.Add(new StringContent(value), name);
        }

        using var response = await _server.Client.PostAsync("/api/jobs", form);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await JobClient.JsonAsync(response)).GetProperty("id").GetString()!;
        Assert.Equal("succeeded", (await JobClient.WaitForEndAsync(_server.Client, id)).GetProperty("state").GetString());

        // The file names were never used: the data folder holds the store's database and the worker's folder only, whose files are named by job id.
        Assert.All(Directory.GetFiles(_server.Factory.DataFolder, "*", SearchOption.AllDirectories), f =>
            Assert.Matches("^(jobs\\.db(-wal|-shm)?|[0-9a-f]{32}\\.checkpoint)$", Path.GetFileName(f)));
    }

    [SkippableFact]
    public async Task A_decompression_bomb_is_refused_from_its_header()
    {
        var bomb = TestImages.PngClaiming(30_000, 30_000);
        Assert.True(bomb.Length < 1000);
        var form = new MultipartFormDataContent
        {
            { JobClient.File(bomb, "image/png"), "content", "bomb.png" },
            { JobClient.File(TestImages.StylePng, "image/png"), "styles", "art.png" },
        };
        var problem = await RefusedAsync(form, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(
            "The content image is 30000 × 30000 px (900 megapixels); this app takes images of at most 40 megapixels. Scale it down and try again.",
            problem.GetProperty("detail").GetString());
    }

    [SkippableFact]
    public async Task A_corrupt_image_is_refused_as_unreadable()
    {
        // A real PNG header (64 × 64) whose pixel data is cut off.
        var truncated = PngWriter.Write(64, 64, PngWriter.Rgb, 8, new byte[64 * 64 * 3])[..60];
        var form = new MultipartFormDataContent
        {
            { JobClient.File(TestImages.ContentPng, "image/png"), "content", "photo.png" },
            { JobClient.File(truncated, "image/png"), "styles", "art.png" },
        };
        var problem = await RefusedAsync(form, HttpStatusCode.UnprocessableEntity);
        Assert.StartsWith("The style image could not be read (", problem.GetProperty("detail").GetString());
    }

    [SkippableFact]
    public async Task A_file_over_the_upload_limit_is_refused()
    {
        var big = new byte[_server.MaxUploadBytes + 1];
        TestImages.ContentPng.CopyTo(big, 0);
        var form = new MultipartFormDataContent
        {
            { JobClient.File(big, "image/png"), "content", "big.png" },
            { JobClient.File(TestImages.StylePng, "image/png"), "styles", "art.png" },
        };
        var problem = await RefusedAsync(form, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("A file in 'content' is larger than 0.2 MB; this app takes files of at most that size.", problem.GetProperty("detail").GetString());
    }

    [SkippableFact]
    public async Task A_request_over_the_body_limit_is_refused_before_it_is_read()
    {
        var form = JobClient.Form(JobClient.Tiny, TestImages.ContentPng, Enumerable.Repeat(new byte[150_000], 4).ToArray());
        var problem = await RefusedAsync(form, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("The images of one job may add up to at most 0.5 MB; choose smaller files.", problem.GetProperty("detail").GetString());
    }

    [SkippableFact]
    public async Task More_styles_than_the_limit_are_refused()
    {
        var form = JobClient.Form(JobClient.Tiny, TestImages.ContentPng, TestImages.StylePng, TestImages.StylePng, TestImages.StylePng);
        var problem = await RefusedAsync(form, HttpStatusCode.BadRequest);
        Assert.Equal("A job takes at most 2 style images.", problem.GetProperty("detail").GetString());
    }

    [SkippableFact]
    public async Task Unknown_jobs_are_404_problems_and_nothing_is_written_by_refusals()
    {
        using var response = await _server.Client.GetAsync("/api/jobs/0123456789abcdef0123456789abcdef/result");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("There is no job with this id; finished jobs are deleted after a while.", (await JobClient.JsonAsync(response)).GetProperty("detail").GetString());
        using var traversal = await _server.Client.GetAsync("/api/jobs/..%2F..%2Fappsettings.json/result");
        Assert.Equal(HttpStatusCode.NotFound, traversal.StatusCode);
    }

    private async Task<JsonElement> RefusedAsync(HttpContent body, HttpStatusCode expected)
    {
        var before = _server.Factory.StoredJobCount();
        using var response = await _server.Client.PostAsync("/api/jobs", body);
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await JobClient.JsonAsync(response);
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.DoesNotContain('\n', detail);
        Assert.Equal(before, _server.Factory.StoredJobCount());
        return problem;
    }

    /// <summary>One app for the refusal tests, with small upload limits.</summary>
    public sealed class Server : IDisposable
    {
        public readonly long MaxUploadBytes = 200_000;
        private WebAppFactory? _factory;
        private HttpClient? _client;

        internal WebAppFactory Factory => _factory ??= new WebAppFactory(new Dictionary<string, string>
        {
            ["MaxUploadBytes"] = MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["MaxRequestBytes"] = "500000",
            ["MaxStyles"] = "2",
            ["MaxJobsPerClient"] = "8",
        });

        public HttpClient Client => _client ??= Factory.CreateClient();

        public void Dispose()
        {
            _client?.Dispose();
            _factory?.Dispose();
        }
    }
}
