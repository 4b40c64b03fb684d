using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NeuralStyle.Imaging;

namespace NeuralStyle.Benchmarks;

/// <summary>
/// The memory estimate (<see cref="RunPlan"/>) against measured peaks: single-scale runs of
/// tubingen × starry_night at 256, 512, 1024 and 1536 px in both precisions (a few iterations), and
/// two longer runs whose L-BFGS history fills up. Each run is a child process of its own (peak
/// resident memory, VmHWM, is per process).
/// </summary>
internal static class MemoryCalibration
{
    private static readonly (int Size, ComputePrecision Precision, int Iterations)[] Runs =
    [
        (256, ComputePrecision.Float32, 3), (512, ComputePrecision.Float32, 3), (1024, ComputePrecision.Float32, 3), (1536, ComputePrecision.Float32, 3),
        (256, ComputePrecision.BFloat16, 3), (512, ComputePrecision.BFloat16, 3), (1024, ComputePrecision.BFloat16, 3), (1536, ComputePrecision.BFloat16, 3),
        (256, ComputePrecision.Float32, 150), (512, ComputePrecision.BFloat16, 60),
    ];

    public static async Task RunAsync(string weights, string images, string outFolder)
    {
        var content = Path.Combine(images, "tubingen.jpg");
        var decoded = RgbImage.Load(content);
        Console.WriteLine("size   precision  iterations   measured MB   estimated MB   error");
        var rows = new List<object>();
        foreach (var (size, precision, iterations) in Runs)
        {
            var options = Options(images, size, precision, iterations);
            var estimate = RunPlan.For(options, decoded.Width, decoded.Height).PeakMemoryBytes;
            var measured = await MeasureAsync(weights, images, size, precision, iterations);
            var error = (double)(estimate - measured) / measured;
            Console.WriteLine($"{size,4}   {precision,-9}  {iterations,10}   {measured / 1e6,11:0}   {estimate / 1e6,12:0}   {error,6:+0.0%;-0.0%}");
            rows.Add(new { size, precision = precision.ToString(), iterations, measured_peak_bytes = measured, estimated_peak_bytes = estimate, relative_error = Math.Round(error, 4) });
        }

        Directory.CreateDirectory(outFolder);
        var path = Path.Combine(outFolder, $"memory-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(new
        {
            what = "peak RSS (VmHWM) of one single-scale run per process, tubingen x starry_night, L-BFGS, against RunPlan's estimate",
            machine = $"{Environment.ProcessorCount} cores",
            runs = rows,
        }, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"wrote {path}");
    }

    /// <summary>The child's side: one run, then the process's peak resident memory in bytes on stdout.</summary>
    public static async Task ChildAsync(string weights, string images, int size, ComputePrecision precision, int iterations)
    {
        ProcessTuning.TuneNativeAllocator();
        await StyleTransfer.RunAsync(Options(images, size, precision, iterations) with { WeightsPath = weights, MaxMemory = long.MaxValue });
        Console.WriteLine(PeakMemory.Bytes());
    }

    private static StyleTransferOptions Options(string images, int size, ComputePrecision precision, int iterations) => new()
    {
        Content = Path.Combine(images, "tubingen.jpg"),
        Styles = [Path.Combine(images, "starry_night.jpg")],
        OutputSize = size,
        StartSize = size,
        Iterations = iterations,
        Precision = precision,
        Seed = 1,
    };

    private static async Task<long> MeasureAsync(string weights, string images, int size, ComputePrecision precision, int iterations)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(MemoryCalibration).Assembly.Location);
        }

        foreach (var arg in new[] { "--memory-child", weights, images, size.ToString(CultureInfo.InvariantCulture), precision.ToString(), iterations.ToString(CultureInfo.InvariantCulture) })
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
