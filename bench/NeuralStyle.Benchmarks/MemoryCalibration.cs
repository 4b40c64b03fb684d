using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NeuralStyle.Imaging;

namespace NeuralStyle.Benchmarks;

/// <summary>
/// The memory estimate (<see cref="RunPlan"/>) against measured peaks: single-scale runs of
/// tubingen × starry_night at 256, 512, 1024 and 1536 px in both precisions (a few iterations), and
/// two longer runs whose L-BFGS history fills up; with <c>--memory tiled</c>, single-scale runs in
/// forced tiles (<see cref="StyleTransferOptions.TileSize"/>) against the tiled estimate; with
/// <c>--memory style</c>, one iteration at small sizes with the style enlarged
/// (<see cref="StyleTransferOptions.StyleScale"/>), where measuring the style is the peak. Each run
/// is a child process of its own (peak resident memory, VmHWM, is per process).
/// </summary>
internal static class MemoryCalibration
{
    private static readonly (int Size, ComputePrecision Precision, int Iterations, int Tile)[] WholeRuns =
    [
        (256, ComputePrecision.Float32, 3, 0), (512, ComputePrecision.Float32, 3, 0), (1024, ComputePrecision.Float32, 3, 0), (1536, ComputePrecision.Float32, 3, 0),
        (256, ComputePrecision.BFloat16, 3, 0), (512, ComputePrecision.BFloat16, 3, 0), (1024, ComputePrecision.BFloat16, 3, 0), (1536, ComputePrecision.BFloat16, 3, 0),
        (256, ComputePrecision.Float32, 150, 0), (512, ComputePrecision.BFloat16, 60, 0),
    ];

    /// <summary>Tiled scales (Adam): small and large tiles, few and many of them, in both precisions; enough iterations for the heap to settle.</summary>
    private static readonly (int Size, ComputePrecision Precision, int Iterations, int Tile)[] TiledRuns =
    [
        (512, ComputePrecision.Float32, 4, 256), (724, ComputePrecision.Float32, 4, 384), (1024, ComputePrecision.Float32, 4, 512),
        (1024, ComputePrecision.BFloat16, 4, 512), (2048, ComputePrecision.BFloat16, 3, 1024),
    ];

    /// <summary>One iteration with the style enlarged up to eightfold: 1024-3072 px styles beside 128-384 px contents.</summary>
    private static readonly (int Size, ComputePrecision Precision, double StyleScale)[] StyleRuns =
    [
        (128, ComputePrecision.Float32, 8), (256, ComputePrecision.Float32, 4), (256, ComputePrecision.Float32, 8),
        (384, ComputePrecision.Float32, 6), (384, ComputePrecision.Float32, 8), (256, ComputePrecision.BFloat16, 8),
    ];

    /// <param name="mode">"tiled", "style", or anything else for whole scales.</param>
    public static async Task RunAsync(string weights, string images, string mode, string outFolder)
    {
        var content = Path.Combine(images, "tubingen.jpg");
        var decoded = RgbImage.Load(content);
        var style = RgbImage.Load(Path.Combine(images, "starry_night.jpg"));
        var runs = mode switch
        {
            "tiled" => TiledRuns.Select(r => (r.Size, r.Precision, r.Iterations, r.Tile, StyleScale: 1.0)).ToArray(),
            "style" => StyleRuns.Select(r => (r.Size, r.Precision, Iterations: 1, Tile: 0, r.StyleScale)).ToArray(),
            _ => WholeRuns.Select(r => (r.Size, r.Precision, r.Iterations, r.Tile, StyleScale: 1.0)).ToArray(),
        };
        Console.WriteLine("size   precision  iterations   tile  style scale   measured MB   estimated MB   error");
        var rows = new List<object>();
        foreach (var (size, precision, iterations, tile, styleScale) in runs)
        {
            var options = Options(images, size, precision, iterations, tile, styleScale);
            var estimate = RunPlan.For(options, decoded.Width, decoded.Height, [(style.Width, style.Height)]).PeakMemoryBytes;
            var measured = await MeasureAsync(weights, images, size, precision, iterations, tile, styleScale);
            var error = (double)(estimate - measured) / measured;
            Console.WriteLine($"{size,4}   {precision,-9}  {iterations,10}   {tile,4}  {styleScale,11}   {measured / 1e6,11:0}   {estimate / 1e6,12:0}   {error,6:+0.0%;-0.0%}");
            rows.Add(mode switch
            {
                "tiled" => new { size, precision = precision.ToString(), iterations, tile_size = tile, measured_peak_bytes = measured, estimated_peak_bytes = estimate, relative_error = Math.Round(error, 4) },
                "style" => (object)new { size, precision = precision.ToString(), iterations, style_scale = styleScale, style_width = style.Width, style_height = style.Height, measured_peak_bytes = measured, estimated_peak_bytes = estimate, relative_error = Math.Round(error, 4) },
                _ => new { size, precision = precision.ToString(), iterations, measured_peak_bytes = measured, estimated_peak_bytes = estimate, relative_error = Math.Round(error, 4) },
            });
        }

        Directory.CreateDirectory(outFolder);
        var path = Path.Combine(outFolder, $"{mode switch { "tiled" => "tiled-memory", "style" => "style-memory", _ => "memory" }}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(new
        {
            what = mode switch
            {
                "tiled" => "peak RSS (VmHWM) of one single-scale run per process in forced tiles, tubingen x starry_night, Adam, against RunPlan's estimate",
                "style" => "peak RSS (VmHWM) of one single-scale iteration per process with the style enlarged by style_scale, tubingen x starry_night, against RunPlan's estimate",
                _ => "peak RSS (VmHWM) of one single-scale run per process, tubingen x starry_night, L-BFGS, against RunPlan's estimate",
            },
            machine = Machine.Describe(),
            runs = rows,
        }, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"wrote {path}");
    }

    /// <summary>The child's side: one run, then the process's peak resident memory in bytes on stdout.</summary>
    public static async Task ChildAsync(string weights, string images, int size, ComputePrecision precision, int iterations, int tile, double styleScale)
    {
        ProcessTuning.TuneNativeAllocator();
        await StyleTransfer.RunAsync(Options(images, size, precision, iterations, tile, styleScale) with { MaxMemory = long.MaxValue }, new StyleTransferEngineOptions { WeightsPath = weights });
        Console.WriteLine(PeakMemory.Bytes());
    }

    private static StyleTransferOptions Options(string images, int size, ComputePrecision precision, int iterations, int tile, double styleScale) => new()
    {
        Content = Path.Combine(images, "tubingen.jpg"),
        Styles = [Path.Combine(images, "starry_night.jpg")],
        OutputSize = size,
        StartSize = size,
        Iterations = iterations,
        Precision = precision,
        TileSize = tile > 0 ? tile : null,
        StyleScale = styleScale,
        Optimizer = tile > 0 ? OptimizerKind.Adam : OptimizerKind.Lbfgs,
        Seed = 1,
    };

    private static async Task<long> MeasureAsync(string weights, string images, int size, ComputePrecision precision, int iterations, int tile, double styleScale)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(MemoryCalibration).Assembly.Location);
        }

        foreach (var arg in new[] { "--memory-child", weights, images, size.ToString(CultureInfo.InvariantCulture), precision.ToString(), iterations.ToString(CultureInfo.InvariantCulture), tile.ToString(CultureInfo.InvariantCulture), styleScale.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        using var child = Process.Start(start)!;
        var output = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        return child.ExitCode == 0
            ? long.Parse(output.Trim().Split('\n')[^1], CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"child {size} {precision} failed: {output}");
    }
}
