using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NeuralStyle.Imaging;

namespace NeuralStyle.Benchmarks;

/// <summary>
/// The memory estimate (<see cref="RunPlan"/>) against measured peaks: single-scale runs of
/// tubingen × starry_night at 256, 512, 1024 and 1536 px in both precisions (a few iterations), and
/// two longer runs whose L-BFGS history fills up; with <c>--memory tiled</c>, single-scale runs in
/// forced tiles (<see cref="StyleTransferOptions.TileSize"/>) against the tiled estimate. Each run is a
/// child process of its own (peak resident memory, VmHWM, is per process).
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

    public static async Task RunAsync(string weights, string images, bool tiled, string outFolder)
    {
        var content = Path.Combine(images, "tubingen.jpg");
        var decoded = RgbImage.Load(content);
        Console.WriteLine("size   precision  iterations   tile   measured MB   estimated MB   error");
        var rows = new List<object>();
        foreach (var (size, precision, iterations, tile) in tiled ? TiledRuns : WholeRuns)
        {
            var options = Options(images, size, precision, iterations, tile);
            var estimate = RunPlan.For(options, decoded.Width, decoded.Height).PeakMemoryBytes;
            var measured = await MeasureAsync(weights, images, size, precision, iterations, tile);
            var error = (double)(estimate - measured) / measured;
            Console.WriteLine($"{size,4}   {precision,-9}  {iterations,10}   {tile,4}   {measured / 1e6,11:0}   {estimate / 1e6,12:0}   {error,6:+0.0%;-0.0%}");
            rows.Add(tiled
                ? new { size, precision = precision.ToString(), iterations, tile_size = tile, measured_peak_bytes = measured, estimated_peak_bytes = estimate, relative_error = Math.Round(error, 4) }
                : new { size, precision = precision.ToString(), iterations, measured_peak_bytes = measured, estimated_peak_bytes = estimate, relative_error = Math.Round(error, 4) });
        }

        Directory.CreateDirectory(outFolder);
        var path = Path.Combine(outFolder, $"{(tiled ? "tiled-memory" : "memory")}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(new
        {
            what = tiled
                ? "peak RSS (VmHWM) of one single-scale run per process in forced tiles, tubingen x starry_night, Adam, against RunPlan's estimate"
                : "peak RSS (VmHWM) of one single-scale run per process, tubingen x starry_night, L-BFGS, against RunPlan's estimate",
            machine = Machine.Describe(),
            runs = rows,
        }, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"wrote {path}");
    }

    /// <summary>The child's side: one run, then the process's peak resident memory in bytes on stdout.</summary>
    public static async Task ChildAsync(string weights, string images, int size, ComputePrecision precision, int iterations, int tile)
    {
        ProcessTuning.TuneNativeAllocator();
        await StyleTransfer.RunAsync(Options(images, size, precision, iterations, tile) with { MaxMemory = long.MaxValue }, new StyleTransferEngineOptions { WeightsPath = weights });
        Console.WriteLine(PeakMemory.Bytes());
    }

    private static StyleTransferOptions Options(string images, int size, ComputePrecision precision, int iterations, int tile) => new()
    {
        Content = Path.Combine(images, "tubingen.jpg"),
        Styles = [Path.Combine(images, "starry_night.jpg")],
        OutputSize = size,
        StartSize = size,
        Iterations = iterations,
        Precision = precision,
        TileSize = tile > 0 ? tile : null,
        Optimizer = tile > 0 ? OptimizerKind.Adam : OptimizerKind.Lbfgs,
        Seed = 1,
    };

    private static async Task<long> MeasureAsync(string weights, string images, int size, ComputePrecision precision, int iterations, int tile)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(MemoryCalibration).Assembly.Location);
        }

        foreach (var arg in new[] { "--memory-child", weights, images, size.ToString(CultureInfo.InvariantCulture), precision.ToString(), iterations.ToString(CultureInfo.InvariantCulture), tile.ToString(CultureInfo.InvariantCulture) })
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
