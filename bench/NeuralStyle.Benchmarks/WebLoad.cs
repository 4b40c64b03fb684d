using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace NeuralStyle.Benchmarks;

/// <summary>
/// The web app's load test: two front ends and two workers, each its own process (the Release build
/// of src/NeuralStyle.Web), on a private PostgreSQL (.ci/postgres.sh), all on loopback. N clients
/// submit small jobs round-robin to the front ends for a fixed time, each following its job's event
/// stream on the other front end to the end and asking its state once. It stops by itself: submitting
/// ends after the given time, and the jobs in flight get two minutes more. Records jobs per minute,
/// submit and status latency (median, p99), and whether any job was lost or run twice (every job's
/// end state and attempts, and the database's job count against the submissions).
/// </summary>
internal static class WebLoad
{
    private static readonly Dictionary<string, string> SmallJob = new() { ["size"] = "48", ["startSize"] = "48", ["iterations"] = "10" };

    public static async Task RunAsync(string weights, string images, string webDll, int clients, TimeSpan duration, string outFolder)
    {
        if (!File.Exists(webDll))
        {
            throw new InvalidOperationException($"Build the web app first (dotnet build src/NeuralStyle.Web -c Release); '{webDll}' is missing.");
        }

        var content = await File.ReadAllBytesAsync(Path.Combine(images, "tubingen.jpg"));
        var style = await File.ReadAllBytesAsync(Path.Combine(images, "starry_night.jpg"));
        var root = Directory.CreateTempSubdirectory("neuralstyle-web-load-").FullName;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101); // the server's own user (postgres) reaches its folder inside
        }
        var postgresFolder = Path.Combine(root, "postgres");
        var postgresPort = FreePort();
        var connection = (await RunAsync("bash", [".ci/postgres.sh", "start", postgresFolder, postgresPort.ToString(CultureInfo.InvariantCulture)])).Trim();
        var processes = new List<Process>();
        try
        {
            var frontEnds = new[] { Start("FrontEnd"), Start("FrontEnd") };
            _ = new[] { Start("Worker"), Start("Worker") };
            foreach (var address in frontEnds)
            {
                await WaitUntilServingAsync(address);
            }

            Console.WriteLine($"2 front ends and 2 workers up; {clients} clients for {duration.TotalSeconds:0} s");
            var jobs = new List<JobRecord>();
            var stopwatch = Stopwatch.StartNew();
            var stopSubmitting = DateTime.UtcNow + duration;
            await Task.WhenAll(Enumerable.Range(0, clients).Select(client => ClientAsync(client, frontEnds, content, style, stopSubmitting, jobs)));
            var minutes = stopwatch.Elapsed.TotalMinutes;

            var ids = jobs.Select(j => j.Id).ToArray();
            var stored = await CountStoredJobsAsync(postgresPort);
            var succeeded = jobs.Count(j => j.State == "succeeded");
            var rerun = jobs.Count(j => j.Attempts != 1);
            var report = new
            {
                date = DateTime.UtcNow.ToString("u"),
                machine = Machine.Describe(),
                setup = "2 front ends + 2 workers (1 job at a time each) on one PostgreSQL 15, loopback",
                job = SmallJob,
                clients,
                submit_seconds = duration.TotalSeconds,
                wall_minutes = minutes,
                submitted = jobs.Count,
                succeeded,
                lost = jobs.Count - succeeded,
                duplicate_ids = ids.Length - ids.Distinct().Count(),
                run_more_than_once = rerun,
                jobs_in_store = stored,
                jobs_per_minute = succeeded / minutes,
                submit_ms = Percentiles(jobs.Select(j => j.SubmitMs)),
                status_ms = Percentiles(jobs.Select(j => j.StatusMs)),
                submit_to_end_s = Percentiles(jobs.Select(j => j.EndSeconds)),
            };
            Console.WriteLine(JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
            Directory.CreateDirectory(outFolder);
            var path = Path.Combine(outFolder, $"web-load-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
            Console.WriteLine($"wrote {path}");
        }
        finally
        {
            foreach (var process in processes.Where(p => !p.HasExited))
            {
                process.Kill();
                await process.WaitForExitAsync();
            }

            await RunAsync("bash", [".ci/postgres.sh", "stop", postgresFolder]);
            Directory.Delete(root, recursive: true);
        }

        Uri Start(string role)
        {
            var port = FreePort();
            var data = Directory.CreateDirectory(Path.Combine(root, $"{role}-{port}")).FullName;
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[]
            {
                webDll, $"--urls=http://127.0.0.1:{port}", $"--NeuralStyle:Role={role}", $"--NeuralStyle:PostgreSqlConnection={connection}",
                $"--NeuralStyle:DataFolder={data}", $"--NeuralStyle:WeightsPath={weights}", "--NeuralStyle:MaxJobsPerClient=1000",
                "--NeuralStyle:MaxQueuedJobs=1000", "--NeuralStyle:SubmitsPerMinute=100000", "--Logging:LogLevel:Default=Warning",
            })
            {
                start.ArgumentList.Add(argument);
            }

            var process = Process.Start(start)!;
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            processes.Add(process);
            return new Uri($"http://127.0.0.1:{port}");
        }
    }

    /// <summary>One client: submits, asks the state once, follows the stream on the other front end to the end; again until the time is up.</summary>
    private static async Task ClientAsync(int client, Uri[] frontEnds, byte[] content, byte[] style, DateTime stopSubmitting, List<JobRecord> jobs)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        var turn = client;
        while (DateTime.UtcNow < stopSubmitting)
        {
            var submitTo = frontEnds[turn++ % 2];
            var followOn = frontEnds[turn % 2];
            using var form = new MultipartFormDataContent
            {
                { new ByteArrayContent(content), "content", "photo.jpg" },
                { new ByteArrayContent(style), "styles", "art.jpg" },
            };
            foreach (var (name, value) in SmallJob)
            {
                form.Add(new StringContent(value), name);
            }

            var started = Stopwatch.StartNew();
            using var response = await http.PostAsync(new Uri(submitTo, "/api/jobs"), form);
            var submitMs = started.Elapsed.TotalMilliseconds;
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                throw new InvalidOperationException($"submit: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
            var asked = Stopwatch.StartNew();
            using (var status = await http.GetAsync(new Uri(submitTo, $"/api/jobs/{id}")))
            {
                status.EnsureSuccessStatusCode();
            }

            var statusMs = asked.Elapsed.TotalMilliseconds;
            var end = await FollowToEndAsync(http, new Uri(followOn, $"/api/jobs/{id}/events"));
            lock (jobs)
            {
                jobs.Add(new JobRecord(id, submitMs, statusMs, started.Elapsed.TotalSeconds, end.GetProperty("state").GetString()!, end.GetProperty("attempts").GetInt32()));
            }
        }
    }

    private static async Task<JsonElement> FollowToEndAsync(HttpClient http, Uri events)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var stream = await http.GetStreamAsync(events, timeout.Token);
        using var reader = new StreamReader(stream);
        var name = string.Empty;
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && name == "end")
            {
                return JsonDocument.Parse(line[6..]).RootElement.Clone();
            }
        }

        throw new InvalidOperationException($"{events}: the stream ended without an end event");
    }

    /// <summary>How many jobs the database holds, asked with psql (a client independent of the app).</summary>
    private static async Task<long> CountStoredJobsAsync(int port)
    {
        var count = await RunAsync("psql", ["-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-U", "neuralstyle", "-d", "postgres", "-tAc", "SELECT count(*) FROM jobs"]);
        return long.Parse(count.Trim(), CultureInfo.InvariantCulture);
    }

    private static object Percentiles(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        double At(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return new { median = Math.Round(At(0.5), 3), p99 = Math.Round(At(0.99), 3), max = Math.Round(At(1), 3) };
    }

    private static async Task WaitUntilServingAsync(Uri address)
    {
        using var http = new HttpClient();
        for (var i = 0; i < 600; i++)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(address, "/health"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException($"{address} did not serve within a minute");
    }

    private static async Task<string> RunAsync(string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{program} {string.Join(' ', arguments)}: {error}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record JobRecord(string Id, double SubmitMs, double StatusMs, double EndSeconds, string State, int Attempts);
}
