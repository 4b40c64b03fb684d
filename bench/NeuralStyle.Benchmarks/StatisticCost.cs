using System.Diagnostics;
using System.Text.Json;

namespace NeuralStyle.Benchmarks;

/// <summary>
/// The cost of each style statistic: seconds per iteration at 512 and 1024 px (one scale, Adam, so one
/// evaluation per iteration), each statistic against Gram on the same engine in one process, timed
/// from the second iteration's report to the last (the first carries the network's and the targets'
/// set-up). Run it alone: another libtorch process slows it far more than twofold.
/// </summary>
internal static class StatisticCost
{
    public static async Task RunAsync(string weights, string images, int[] sizes, ComputePrecision[] precisions, int iterations, string outFolder)
    {
        await using var engine = new StyleTransferEngine(new StyleTransferEngineOptions { WeightsPath = weights });
        var rows = new List<object>();
        foreach (var precision in precisions)
        {
            foreach (var size in sizes)
            {
                foreach (var statistic in Enum.GetValues<StyleStatistic>())
                {
                    var options = new StyleTransferOptions
                    {
                        Content = Path.Combine(images, "tubingen.jpg"),
                        Styles = [Path.Combine(images, "starry_night.jpg")],
                        OutputSize = size,
                        StartSize = size,
                        Iterations = iterations,
                        Optimizer = OptimizerKind.Adam,
                        Precision = precision,
                        StyleStatistic = statistic,
                        Seed = 1,
                    };
                    var clock = Stopwatch.StartNew();
                    var second = TimeSpan.Zero;
                    var last = TimeSpan.Zero;
                    var progress = new Reports(p =>
                    {
                        if (p.Iteration == 2)
                        {
                            second = clock.Elapsed;
                        }

                        last = clock.Elapsed;
                    });
                    await engine.RunAsync(options, progress);
                    var perIteration = (last - second).TotalSeconds / (iterations - 2);
                    Console.WriteLine($"{precision,-9} {size,5} px  {statistic,-18} {perIteration,7:F3} s/iteration");
                    rows.Add(new { precision = precision.ToString(), size, statistic = statistic.ToString(), seconds_per_iteration = perIteration });
                }
            }
        }

        Directory.CreateDirectory(outFolder);
        var path = Path.Combine(outFolder, $"statistic-cost-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(new { date = DateTime.UtcNow.ToString("u"), machine = Machine.Describe(), iterations, optimizer = "adam", rows }, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"wrote {path}");
    }

    /// <summary>Reports on the engine's thread, as they happen (Progress&lt;T&gt; would post them later).</summary>
    private sealed class Reports(Action<StyleTransferProgress> report) : IProgress<StyleTransferProgress>
    {
        public void Report(StyleTransferProgress value) => report(value);
    }
}
