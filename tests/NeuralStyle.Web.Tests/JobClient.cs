using System.Net.Http.Headers;
using System.Text.Json;

namespace NeuralStyle.Web.Tests;

/// <summary>The API as a test calls it: forms with images and settings, jobs as JSON, event streams read line by line.</summary>
internal static class JobClient
{
    /// <summary>Settings that make a job finish in a second or two: one tiny scale, a few iterations.</summary>
    public static readonly IReadOnlyDictionary<string, string> Tiny = new Dictionary<string, string>
    {
        ["size"] = "48",
        ["startSize"] = "48",
        ["iterations"] = "6",
    };

    /// <summary>Settings that keep a job running for a while (until it is cancelled).</summary>
    public static readonly IReadOnlyDictionary<string, string> Long = new Dictionary<string, string>
    {
        ["size"] = "48",
        ["startSize"] = "48",
        ["iterations"] = "1000",
    };

    public static MultipartFormDataContent Form(IReadOnlyDictionary<string, string>? settings = null, byte[]? content = null, params byte[][] styles)
    {
        var form = new MultipartFormDataContent();
        if (content is not null)
        {
            form.Add(File(content, "image/png"), "content", "photo.png");
        }

        foreach (var style in styles.Length == 0 ? [TestImages.StylePng] : styles)
        {
            form.Add(File(style, "image/png"), "styles", "art.png");
        }

        foreach (var (name, value) in settings ?? Tiny)
        {
            form.Add(new StringContent(value), name);
        }

        return form;
    }

    public static ByteArrayContent File(byte[] bytes, string contentType)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return file;
    }

    public static async Task<JsonElement> StartAsync(HttpClient client, IReadOnlyDictionary<string, string>? settings = null)
    {
        using var response = await client.PostAsync("/api/jobs", Form(settings, TestImages.ContentPng));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        return await JsonAsync(response);
    }

    public static async Task<JsonElement> GetAsync(HttpClient client, string id)
    {
        using var response = await client.GetAsync($"/api/jobs/{id}");
        response.EnsureSuccessStatusCode();
        return await JsonAsync(response);
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>Reads the job's event stream to its 'end' event; every (event, data) pair in order.</summary>
    public static async Task<List<(string Event, JsonElement Data)>> ReadEventsAsync(HttpClient client, string id, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        using var response = await client.GetAsync($"/api/jobs/{id}/events", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));
        var events = new List<(string, JsonElement)>();
        string? name = null;
        while (await reader.ReadLineAsync(cancel.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add((name ?? "message", JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone()));
                if (name == "end")
                {
                    break;
                }
            }
        }

        return events;
    }

    /// <summary>Waits (on the event stream) until the job has ended, and returns its final state.</summary>
    public static async Task<JsonElement> WaitForEndAsync(HttpClient client, string id)
    {
        var events = await ReadEventsAsync(client, id, TimeSpan.FromMinutes(3));
        Assert.Equal("end", events[^1].Event);
        return events[^1].Data;
    }
}
