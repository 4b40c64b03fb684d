using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace NeuralStyle.Benchmarks;

/// <summary>
/// What one loaded engine buys: peak memory of 1, 2 and 4 concurrent 256 px runs on one engine
/// against as many separate <see cref="StyleTransfer.RunAsync(StyleTransferOptions, IProgress{StyleTransferProgress}?, CancellationToken)"/>
/// calls, and images per hour for a 256 px batch on one engine against one process per image.
/// Each measurement runs in a child process of its own (peak memory is per process).
/// </summary>
internal static class EngineScaling
{
    private const int Size = 256;
    private const int MemoryIterations = 5;

    public static async Task RunAsync(string weights, string images, int batchImages, string outFolder)
    {
        var memory = new List<object>();
        Console.WriteLine("concurrent 256 px runs   peak RSS, one engine   peak RSS, separate runs");
        foreach (var runs in new[] { 1, 2, 4 })
        {
            var engine = await ChildAsync("engine", runs);
            var separate = await ChildAsync("separate", runs);
            Console.WriteLine($"{runs,22}   {engine.PeakMb,17} MB   {separate.PeakMb,20} MB");
            memory.Add(new { runs, engine_peak_rss_mb = engine.PeakMb, separate_peak_rss_mb = separate.PeakMb });
        }

        // Images per hour: the same batch on one engine in one process, then one process per image.
        var oneEngine = await ChildAsync("batch", batchImages);
        var perImage = 0.0;
        for (var i = 0; i < batchImages; i++)
        {
            perImage += (await ChildAsync("batch", 1)).WallSeconds;
        }

        var engineRate = batchImages * 3600 / oneEngine.WallSeconds;
        var processRate = batchImages * 3600 / perImage;
        Console.WriteLine($"{batchImages} images at {Size} px (default settings): one engine {oneEngine.WallSeconds:F0} s ({engineRate:F0} images/hour), one process per image {perImage:F0} s ({processRate:F0} images/hour)");

        Directory.CreateDirectory(outFolder);
        var path = Path.Combine(outFolder, $"engine-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(new
        {
            date = DateTime.UtcNow.ToString("u"),
            machine = Machine.Describe(),
            size = Size,
            memory_iterations = MemoryIterations,
            memory,
            batch = new
            {
                images = batchImages,
                one_engine_seconds = oneEngine.WallSeconds,
                one_engine_images_per_hour = engineRate,
                process_per_image_seconds = perImage,
                process_per_image_images_per_hour = processRate,
            },
        }, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"wrote {path}");

        async Task<(long PeakMb, double WallSeconds)> ChildAsync(string mode, int count)
        {
            // This program again: through the dotnet host (with its .dll) or through its own apphost.
            var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
            {
                start.ArgumentList.Add(typeof(EngineScaling).Assembly.Location);
            }

            foreach (var arg in new[] { "--engine-child", mode, count.ToString(CultureInfo.InvariantCulture), weights, images })
            {
                start.ArgumentList.Add(arg);
            }

            var clock = Stopwatch.StartNew();
            using var child = Process.Start(start)!;
            var output = await child.StandardOutput.ReadToEndAsync();
            await child.WaitForExitAsync();
            if (child.ExitCode != 0)
            {
                throw new InvalidOperationException($"child {mode} {count} failed: {output}");
            }

            return (long.Parse(output.Trim().Split('\n')[^1], CultureInfo.InvariantCulture), clock.Elapsed.TotalSeconds);
        }
    }

    /// <summary>The child's side: the runs, then the process's peak resident memory in MB on stdout.</summary>
    public static async Task ChildAsync(string mode, int count, string weights, string images)
    {
        ProcessTuning.TuneNativeAllocator();
        var contents = new[] { "tubingen.jpg", "chicago.jpg", "stata.jpg" };
        StyleTransferOptions Options(int i, int iterations) => new()
        {
            Content = Path.Combine(images, contents[i % contents.Length]),
            Styles = [Path.Combine(images, "starry_night.jpg")],
            OutputSize = Size,
            Iterations = iterations,
            Seed = i,
        };

        switch (mode)
        {
            case "engine":
                await using (var engine = new StyleTransferEngine(new StyleTransferEngineOptions { WeightsPath = weights, MaxConcurrentRuns = count }))
                {
                    await Task.WhenAll(Enumerable.Range(0, count).Select(i => engine.RunAsync(Options(i, MemoryIterations))));
                }

                break;
            case "separate":
                await Task.WhenAll(Enumerable.Range(0, count).Select(i => StyleTransfer.RunAsync(Options(i, MemoryIterations), new StyleTransferEngineOptions { WeightsPath = weights })));
                break;
            default:
                await using (var engine = new StyleTransferEngine(new StyleTransferEngineOptions { WeightsPath = weights }))
                {
                    for (var i = 0; i < count; i++)
                    {
                        await engine.RunAsync(Options(i, new StyleTransferOptions().Iterations));
                    }
                }

                break;
        }

        Console.WriteLine(PeakMemory.Bytes() / (1024 * 1024));
    }
}
