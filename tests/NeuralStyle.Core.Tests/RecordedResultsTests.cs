using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using NeuralStyle.Imaging;

namespace NeuralStyle.Core.Tests;

/// <summary>
/// Runs whose results were recorded from the engine as it stood before the optimiser was rebuilt
/// around objectives and update rules (main at b808549): on a CPU with a record, the image and every
/// iteration's loss terms must match it bit for bit; on another CPU (oneDNN picks other kernels,
/// which round differently) the image must still look the same as the recorded PNG.
/// </summary>
/// <remarks>
/// Set <c>NEURALSTYLE_RECORD_RESULTS=1</c> to add this CPU's record (and, when missing, the PNGs)
/// instead of checking; that is how the record was made, and how a CPU is added to it.
/// </remarks>
public sealed class RecordedResultsTests
{
    private static readonly string RecordFolder = Path.Combine(AppContext.BaseDirectory, "Recorded");
    private static readonly string SourceRecordFolder = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../Recorded"));

    public static TheoryData<string> Cases => new(CaseOptions.Keys);

    private static readonly Dictionary<string, Func<string, StyleTransferOptions>> CaseOptions = new()
    {
        // L-BFGS from the content over three scales (48, 68, 96 px): curvature restarts per scale.
        ["lbfgs-three-scales"] = images => Base(images, 96) with { StartSize = 48, Iterations = 8 },

        // Adam from seeded noise over three scales with iterate averaging: moments carried across scales.
        ["adam-noise-averaging"] = images => Base(images, 96) with
        {
            StartSize = 48,
            Iterations = 8,
            Optimizer = OptimizerKind.Adam,
            AveragingDecay = 0.9,
            Initialization = InitialImage.Noise,
            Seed = 7,
        },

        // L-BFGS for five iterations, then Adam with the moments it gathered.
        ["lbfgs-then-adam"] = images => Base(images, 64) with { StartSize = 64, Iterations = 14, Lbfgs = new LbfgsSettings { SwitchToAdamAfter = 5 } },

        // Two styles blended 3:1 at a smaller style scale, average pooling, the summed TV, colours kept.
        ["blend-pooling-tv-colour"] = images => Base(images, 64) with
        {
            StartSize = 64,
            Iterations = 10,
            Styles = [new StyleImage(Path.Combine(images, "starry_night.jpg"), 3), new StyleImage(Path.Combine(images, "the_scream.jpg"), 1)],
            StyleScale = 0.7,
            Pooling = Pooling.Average,
            TotalVariationNorm = TotalVariationNorm.AbsoluteSum,
            TotalVariationWeight = 30,
            ColorPreservation = ColorPreservation.LuminanceOnly,
        },

        // Two styles, each in its own half.
        ["masks"] = images => Base(images, 64) with
        {
            StartSize = 64,
            Iterations = 10,
            Styles =
            [
                new StyleImage(Path.Combine(images, "starry_night.jpg"), 1, QualityFeatureTests.HalfMask(64, 48, leftWhite: true)),
                new StyleImage(Path.Combine(images, "the_scream.jpg"), 1, QualityFeatureTests.HalfMask(64, 48, leftWhite: false)),
            ],
        },

        // A 128 × 96 px scale in two 100 px tiles after a whole 90 px scale, with Adam.
        ["tiles-adam"] = images => Base(images, 128) with { StartSize = 90, Iterations = 5, Optimizer = OptimizerKind.Adam, TileSize = 100 },

        // One 128 × 96 px scale in two 100 px tiles, with Adam.
        ["tiles-adam-one-scale"] = images => Base(images, 128) with { StartSize = 128, Iterations = 6, Optimizer = OptimizerKind.Adam, TileSize = 100 },

        // bfloat16 L-BFGS that stalls (at about 110) and finishes in float32, then Adam from 140, averaged.
        ["bfloat16-finish-then-adam"] = images => Base(images, 32) with
        {
            StartSize = 32,
            Iterations = 150,
            Precision = ComputePrecision.BFloat16,
            AveragingDecay = 0.5,
            Lbfgs = new LbfgsSettings { SwitchToAdamAfter = 140 },
        },
    };

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public async Task A_recorded_run_gives_its_recorded_result(string name)
    {
        var images = TestEnvironment.RequireImages();
        TestEnvironment.RequireWeights();
        var result = await StyleTransfer.RunAsync(CaseOptions[name](images));
        var measured = new Record(Hash(result.Image.Pixels), Hash(MemoryMarshal.AsBytes(result.LossHistory.SelectMany(l => new[] { l.Content, l.Style, l.TotalVariation, l.Total }).ToArray().AsSpan())));
        var cpu = CpuSignature();

        if (Environment.GetEnvironmentVariable("NEURALSTYLE_RECORD_RESULTS") == "1")
        {
            Write(name, cpu, measured, result.Image);
            return;
        }

        var records = ReadRecords();
        if (records.TryGetValue(cpu, out var forThisCpu) && forThisCpu.TryGetValue(name, out var recorded))
        {
            Assert.Equal(recorded.Pixels, measured.Pixels);
            Assert.Equal(recorded.Losses, measured.Losses);
            return;
        }

        // Another CPU rounds differently: the picture must still be the recorded one to the eye.
        var png = await RgbImage.LoadAsync(Path.Combine(RecordFolder, name + ".png"));
        Assert.Equal((png.Width, png.Height), (result.Image.Width, result.Image.Height));
        var meanDifference = png.Pixels.ToArray().Zip(result.Image.Pixels.ToArray(), (a, b) => Math.Abs(a - b)).Average();
        Assert.True(meanDifference < 3, $"No bit-exact record for this CPU ({cpu}); the image differs from the recorded one by {meanDifference:F2} levels on average.");
    }

    /// <summary>The recorded engine's objective: Gram, unscaled, at its weights (the defaults before issue 41), whatever today's defaults are.</summary>
    private static StyleTransferOptions Base(string images, int size) => new()
    {
        Content = Path.Combine(images, "tubingen.jpg"),
        Styles = [Path.Combine(images, "starry_night.jpg")],
        OutputSize = size,
        StyleStatistic = StyleStatistic.Gram,
        LossNormalization = LossNormalization.None,
    };

    /// <summary>What decides the bits on a CPU: the instruction sets oneDNN chooses kernels by, and libtorch's thread count.</summary>
    private static string CpuSignature()
    {
        var flags = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal))?.Split(':')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        string[] deciding = ["avx2", "avx512f", "avx512_vnni", "avx512_bf16", "avx512_fp16", "amx_tile", "amx_bf16", "avx_vnni"];
        return string.Join(' ', deciding.Where(flags.Contains)) + $", {TorchSharp.torch.get_num_threads()} threads";
    }

    private static Dictionary<string, Dictionary<string, Record>> ReadRecords()
    {
        var path = Path.Combine(RecordFolder, "records.json");
        return File.Exists(path) ? JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, Record>>>(File.ReadAllText(path))! : [];
    }

    private static void Write(string name, string cpu, Record measured, RgbImage image)
    {
        Directory.CreateDirectory(SourceRecordFolder);
        var path = Path.Combine(SourceRecordFolder, "records.json");
        var records = File.Exists(path) ? JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, Record>>>(File.ReadAllText(path))! : [];
        if (!records.TryGetValue(cpu, out var forThisCpu))
        {
            records[cpu] = forThisCpu = [];
        }

        forThisCpu[name] = measured;
        File.WriteAllText(path, JsonSerializer.Serialize(
            records.ToDictionary(r => r.Key, r => new SortedDictionary<string, Record>(r.Value)),
            new JsonSerializerOptions { WriteIndented = true }) + "\n");
        var png = Path.Combine(SourceRecordFolder, name + ".png");
        if (!File.Exists(png))
        {
            image.SaveAsync(png).GetAwaiter().GetResult();
        }
    }

    private static string Hash(ReadOnlySpan<byte> bytes) => Convert.ToHexString(SHA256.HashData(bytes));

    private sealed record Record(string Pixels, string Losses);
}
