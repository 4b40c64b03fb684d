using System.Diagnostics;
using System.Text.Json;

namespace NeuralStyle.Benchmarks;

/// <summary>
/// The quality ruler for bfloat16: the same run (tubingen × starry_night, single scale, L-BFGS) in
/// float32 and in bfloat16, both final images measured by the same float32 objective.
/// </summary>
internal static class PrecisionQuality
{
    public static async Task RunAsync(string weights, int size, int iterations, string outFolder)
    {
        var images = Environment.GetEnvironmentVariable("NEURALSTYLE_TEST_IMAGES")
            ?? throw new InvalidOperationException("Set NEURALSTYLE_TEST_IMAGES to the folder with tubingen.jpg and starry_night.jpg.");
        var options = new StyleTransferOptions
        {
            Content = Path.Combine(images, "tubingen.jpg"),
            Styles = [Path.Combine(images, "starry_night.jpg")],
            OutputSize = size,
            StartSize = size,
            Iterations = iterations,
        };

        using var ruler = new ObjectiveRuler(weights, Path.Combine(images, "tubingen.jpg"), Path.Combine(images, "starry_night.jpg"), options);
        var rows = new List<object>();
        double? reference = null;
        foreach (var precision in new[] { ComputePrecision.Float32, ComputePrecision.BFloat16 })
        {
            var clock = Stopwatch.StartNew();
            var result = await StyleTransfer.RunAsync(options with { Precision = precision }, new StyleTransferEngineOptions { WeightsPath = weights });
            var seconds = clock.Elapsed.TotalSeconds;
            var objective = ruler.Measure(result.Image);
            reference ??= objective;
            Console.WriteLine($"{precision,-9} {size} px, {iterations} iterations: {seconds,7:F1} s, float32 objective of the result {objective:E4} ({objective / reference.Value - 1:+0.00%;-0.00%} vs float32)");
            rows.Add(new { precision = precision.ToString(), size, iterations, seconds, objective, relative_to_float32 = objective / reference.Value });
        }

        Directory.CreateDirectory(outFolder);
        var file = Path.Combine(outFolder, $"precision-quality-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");
        File.WriteAllText(file, JsonSerializer.Serialize(new { date = DateTime.UtcNow.ToString("u"), rows }, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"wrote {file}");
    }
}
