using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NeuralStyle.Imaging;

namespace NeuralStyle.Benchmarks;

/// <summary>
/// A large picture made in tiles: tubingen × starry_night at the given size under a memory limit,
/// with its time, its peak resident memory against the plan's estimate, and a measure of seams: the
/// mean gradient magnitude of the result in 2 px bands along the last scale's tile borders against
/// the rest of the picture, and the same for lines halfway between them (a control).
/// </summary>
internal static class TiledRun
{
    public static async Task RunAsync(string weights, string images, int size, int startSize, int iterations, long maxMemory, ComputePrecision precision, string outFolder)
    {
        var options = new StyleTransferOptions
        {
            Content = Path.Combine(images, "tubingen.jpg"),
            Styles = [Path.Combine(images, "starry_night.jpg")],
            OutputSize = size,
            StartSize = startSize,
            Iterations = iterations,
            Precision = precision,
            Tiling = true,
            MaxMemory = maxMemory,
            Seed = 1,
        };
        var plan = await StyleTransfer.PlanAsync(options);
        Console.WriteLine(plan);
        var clock = Stopwatch.StartNew();
        var scale = 0;
        var progress = new Progress<StyleTransferProgress>(p =>
        {
            if (p.Scale != scale)
            {
                scale = p.Scale;
                Console.WriteLine($"{clock.Elapsed.TotalSeconds,8:0} s  scale {p.Scale}/{p.ScaleCount} {p.Width} × {p.Height}");
            }
        });
        var result = await StyleTransfer.RunAsync(options, new StyleTransferEngineOptions { WeightsPath = weights }, progress);
        var seconds = clock.Elapsed.TotalSeconds;
        var peak = PeakMemory.Bytes();
        var last = plan.Scales[^1];
        var (seams, control) = last.TileSize is { } tile ? SeamRatios(result.Image, tile) : (double.NaN, double.NaN);

        Directory.CreateDirectory(outFolder);
        var stem = $"tiled-{size}-{precision.ToString().ToLowerInvariant()}-{DateTime.UtcNow:yyyyMMdd-HHmmss}";
        await result.Image.SaveAsync(Path.Combine(outFolder, stem + ".jpg"), new ImageSaveOptions { Quality = 92 });
        var path = Path.Combine(outFolder, stem + ".json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(new
        {
            what = "tubingen x starry_night in tiles under a memory limit; peak RSS is VmHWM of this process",
            size,
            start_size = startSize,
            iterations,
            precision = precision.ToString(),
            max_memory_bytes = maxMemory,
            scales = plan.Scales.Select(s => new { s.Width, s.Height, s.Iterations, s.TileSize, s.TileCount, estimated_peak_bytes = s.PeakMemoryBytes }),
            wall_seconds = Math.Round(seconds, 1),
            peak_rss_bytes = peak,
            estimated_peak_bytes = plan.PeakMemoryBytes,
            final_loss = result.FinalLosses.Total,
            seam_gradient_ratio = Math.Round(seams, 4),
            control_gradient_ratio = Math.Round(control, 4),
        }, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"{seconds:0} s, peak RSS {peak / 1e9:0.00} GB (estimate {plan.PeakMemoryBytes / 1e9:0.00} GB), gradient at tile borders / elsewhere {seams:0.000} (control lines {control:0.000}); wrote {path}");
    }

    /// <summary>
    /// Mean gradient magnitude (|∂x| + |∂y| over RGB) within 2 px of the tile borders of a grid of
    /// <paramref name="tileSize"/>, over the mean elsewhere; and the same for lines halfway between
    /// neighbouring borders.
    /// </summary>
    private static (double Seams, double Control) SeamRatios(RgbImage image, int tileSize)
    {
        var grid = new TileGrid(image.Width, image.Height, tileSize, TiledObjective.Overlap(tileSize));
        var columns = Borders(grid.Tiles.Select(t => (t.X, t.Width)), image.Width);
        var rows = Borders(grid.Tiles.Select(t => (t.Y, t.Height)), image.Height);
        var gradient = Gradient(image);
        return (Ratio(gradient, image.Width, image.Height, columns, rows), Ratio(gradient, image.Width, image.Height, Halfway(columns, image.Width), Halfway(rows, image.Height)));
    }

    private static int[] Borders(IEnumerable<(int Start, int Length)> tiles, int length) =>
        tiles.SelectMany(t => new[] { t.Start, t.Start + t.Length }).Where(p => p > 0 && p < length).Distinct().Order().ToArray();

    private static int[] Halfway(int[] lines, int length)
    {
        var all = new[] { 0 }.Concat(lines).Append(length).ToArray();
        return all.Zip(all.Skip(1), (a, b) => (a + b) / 2).Where(p => p > 2 && p < length - 2 && lines.All(l => Math.Abs(l - p) > 8)).ToArray();
    }

    private static float[] Gradient(RgbImage image)
    {
        var pixels = image.Pixels;
        var gradient = new float[image.Width * image.Height];
        for (var y = 0; y < image.Height - 1; y++)
        {
            for (var x = 0; x < image.Width - 1; x++)
            {
                var i = ((y * image.Width) + x) * 3;
                float sum = 0;
                for (var c = 0; c < 3; c++)
                {
                    sum += Math.Abs(pixels[i + 3 + c] - pixels[i + c]) + Math.Abs(pixels[i + (image.Width * 3) + c] - pixels[i + c]);
                }

                gradient[(y * image.Width) + x] = sum;
            }
        }

        return gradient;
    }

    private static double Ratio(float[] gradient, int width, int height, int[] columns, int[] rows)
    {
        double inBand = 0, outBand = 0;
        long inCount = 0, outCount = 0;
        for (var y = 0; y < height - 1; y++)
        {
            var rowBand = rows.Any(r => Math.Abs(y - r) <= 2);
            for (var x = 0; x < width - 1; x++)
            {
                if (rowBand || columns.Any(c => Math.Abs(x - c) <= 2))
                {
                    inBand += gradient[(y * width) + x];
                    inCount++;
                }
                else
                {
                    outBand += gradient[(y * width) + x];
                    outCount++;
                }
            }
        }

        return inCount == 0 || outCount == 0 ? double.NaN : (inBand / inCount) / (outBand / outCount);
    }
}
