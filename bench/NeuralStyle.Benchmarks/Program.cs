using System.Diagnostics;
using System.Text.Json;
using NeuralStyle;
using NeuralStyle.Benchmarks;
using static TorchSharp.torch;

// Usage: NeuralStyle.Benchmarks [--sizes 128,256,512,1024] [--iterations N] [--precisions float32,bfloat16] [--out bench/results]
//        NeuralStyle.Benchmarks --precision-quality SIZE ITERATIONS   (needs NEURALSTYLE_TEST_IMAGES too)
//        NeuralStyle.Benchmarks --memory [tiled|style]   (peak memory at 256-1536 px, of tiled scales, or with enlarged styles, against RunPlan's estimate; needs NEURALSTYLE_TEST_IMAGES too)
//        NeuralStyle.Benchmarks --tiled [--size 3072] [--start-size 128] [--iterations 50] [--max-memory-bytes 7000000000] [--precision bfloat16]
//                               (a large picture in tiles: time, peak memory, seams; needs NEURALSTYLE_TEST_IMAGES too)
//        NeuralStyle.Benchmarks --train --style PATH [--photos DIR] [--out DIR] [--steps 2000] [--crop 256] [--batch 1] [--width 32] [--style-weight 0.01]
//                               (a fast-style training experiment that resumes from its folder; needs NEURALSTYLE_TEST_IMAGES too)
//        NeuralStyle.Benchmarks --fast-styles [--styles styles] [--photos tubingen,chicago,stata] [--repeats 5] [--out bench/results]
//                               (trained styles: apply time at 512 and 1024 px, peak memory, against the default optimisation's time
//                               and the tutorial's objective at 512 px; needs NEURALSTYLE_TEST_IMAGES too)
//        NeuralStyle.Benchmarks --training-speed [--widths 16,32] [--crops 128,256] [--batches 1,4] [--steps 6]
//                               (seconds per training step of a fast-style network; needs NEURALSTYLE_TEST_IMAGES too)
//        NeuralStyle.Benchmarks --video [--clip /usr/share/doc/opencv-doc/examples/data/vtest.avi] [--style starry_night.jpg] [--configurations 256x10,512x4]
//                               [--temporal-weights 1e9] [--later-iterations 25] [--work ~/.cache/neuralstyle/bench-video] [--out bench/results]
//                               [--model styles/starry-night.onnx [--blends 0.5,0.8,0.95]]   (a trained style instead: each frame alone against steadied)
//                               (video mode against independent frames: temporal error, losses, seconds per frame; resumes from --work; needs NEURALSTYLE_TEST_IMAGES too)
//        NeuralStyle.Benchmarks --web-load [--clients 8] [--seconds 120] [--web-dll src/NeuralStyle.Web/bin/Release/net10.0/NeuralStyle.Web.dll]
//                               (the web app's load test: 2 front ends + 2 workers on a private PostgreSQL, clients submitting small jobs
//                               and following their streams; jobs per minute, latencies, nothing lost or run twice; run from the
//                               repository's root; needs NEURALSTYLE_TEST_IMAGES too)
//        NeuralStyle.Benchmarks --statistics [--sizes 512,1024] [--precisions float32,bfloat16] [--iterations 8]
//                               (seconds per iteration of each style statistic against Gram; needs NEURALSTYLE_TEST_IMAGES too)
//        NeuralStyle.Benchmarks --style-evidence [--budget 90] [--records bench/results/style-evidence-runs]
//                               [--work ~/.cache/neuralstyle/bench-style-evidence] [--retune] [--report]
//                               (each style statistic with and without loss normalisation: every pair at 512 px in the same time budget,
//                               the library's starting weights (tuned on tubingen × starry_night; --retune searches them again) carried to
//                               the other pairs and to 256 and 1024 px; finished runs are records in --records (commit them), images and
//                               checkpoints in --work; resumes; --report only summarises the records; needs NEURALSTYLE_TEST_IMAGES too)
//        NeuralStyle.Benchmarks --engine [--batch-images 4]   (engine memory and batch throughput at 256 px; needs NEURALSTYLE_TEST_IMAGES too)
//        NeuralStyle.Benchmarks --time-to-quality [--sizes 256,512] [--pairs tubingen+starry_night,...] [--tutorial-iterations 1000] [--cap 1000]
//                               [--evaluate-every 5] [--contenders adam-float32,lbfgs-float32,lbfgs-bfloat16,lbfgs-adam-float32,coarse-lbfgs-float32,default-float32,...]
//                               [--bars bench/results/time-to-quality-bars.json] [--bars-only]
//                               (the suite of 8 pairs by default; the tutorial's bars are computed once and kept in the bars file; needs NEURALSTYLE_TEST_IMAGES too)
//        NeuralStyle.Benchmarks --time-to-quality-report [--sizes 256,512] [--contenders lbfgs-float32,lbfgs-bfloat16] [--out bench/results]
//                               (the suite's table from the races recorded there, each pair's most recent; runs no model)
// Needs NEURALSTYLE_VGG19_WEIGHTS. Prints a table and writes a JSON file of the results.
// The benchmark measures what an app that opts into the process-wide allocator tuning gets (as the CLI does).
ProcessTuning.TuneNativeAllocator();

var sizes = Arg("--sizes", "128,256,512,1024").Split(',').Select(int.Parse).ToArray();
var iterations = int.Parse(Arg("--iterations", "5"));
var outFolder = Arg("--out", Path.Combine("bench", "results"));
// bfloat16 where the CPU only emulates it is about 30 times slower than float32 (hours at 1024 px): measured only when asked for by name.
var bfloat16Emulated = ComputeSupport.BFloat16(ComputeDevice.Cpu) == BFloat16Support.Emulated;
var precisions = Arg("--precisions", bfloat16Emulated ? "float32" : "float32,bfloat16").Split(',')
    .Select(p => p.ToLowerInvariant() switch { "float32" => ComputePrecision.Float32, "bfloat16" => ComputePrecision.BFloat16, _ => throw new ArgumentException($"unknown precision {p}") })
    .ToArray();
if (Array.IndexOf(args, "--time-to-quality-report") >= 0)
{
    TimeToQualityReport.Print(
        outFolder,
        Arg("--sizes", "256,512").Split(',').Select(int.Parse).ToArray(),
        Arg("--contenders", "lbfgs-float32,lbfgs-bfloat16").Split(','));
    return;
}

var weights = Environment.GetEnvironmentVariable("NEURALSTYLE_VGG19_WEIGHTS")
    ?? throw new InvalidOperationException("Set NEURALSTYLE_VGG19_WEIGHTS to the VGG19 weights file.");

if (Array.IndexOf(args, "--engine-child") is var child and >= 0)
{
    await EngineScaling.ChildAsync(args[child + 1], int.Parse(args[child + 2]), args[child + 3], args[child + 4]);
    return;
}

if (Array.IndexOf(args, "--memory-child") is var memoryChild and >= 0)
{
    await MemoryCalibration.ChildAsync(args[memoryChild + 1], args[memoryChild + 2], int.Parse(args[memoryChild + 3]), Enum.Parse<ComputePrecision>(args[memoryChild + 4]), int.Parse(args[memoryChild + 5]), int.Parse(args[memoryChild + 6]), double.Parse(args[memoryChild + 7], System.Globalization.CultureInfo.InvariantCulture));
    return;
}

if (Array.IndexOf(args, "--memory") is var memory and >= 0)
{
    await MemoryCalibration.RunAsync(
        weights,
        Environment.GetEnvironmentVariable("NEURALSTYLE_TEST_IMAGES") ?? throw new InvalidOperationException("Set NEURALSTYLE_TEST_IMAGES to the folder with tubingen.jpg and starry_night.jpg."),
        memory + 1 < args.Length ? args[memory + 1] : "whole",
        outFolder);
    return;
}

if (Array.IndexOf(args, "--train") >= 0)
{
    TrainingRun.Run(
        weights,
        Environment.GetEnvironmentVariable("NEURALSTYLE_TEST_IMAGES") ?? throw new InvalidOperationException("Set NEURALSTYLE_TEST_IMAGES: its photos are the held-out previews."),
        Arg("--style", "starry_night.jpg"),
        Arg("--photos", Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "neuralstyle", "photos")),
        Arg("--out", "train"),
        new StyleTrainingOptions
        {
            Style = null!,
            Photos = [],
            Width = int.Parse(Arg("--width", "32")),
            CropSize = int.Parse(Arg("--crop", "256")),
            BatchSize = int.Parse(Arg("--batch", "1")),
            Steps = int.Parse(Arg("--steps", "2000")),
            LearningRate = double.Parse(Arg("--learning-rate", "0.001"), System.Globalization.CultureInfo.InvariantCulture),
            StyleScale = double.Parse(Arg("--style-scale", "1"), System.Globalization.CultureInfo.InvariantCulture),
            CheckpointInterval = int.Parse(Arg("--checkpoint-every", "100")),
            Losses = new StyleOptimizerSettings { LossNormalization = LossNormalization.None, StyleWeight = double.Parse(Arg("--style-weight", "0.01"), System.Globalization.CultureInfo.InvariantCulture) },
        });
    return;
}

if (Array.IndexOf(args, "--fast-styles") >= 0)
{
    await FastStyleBench.RunAsync(
        weights,
        Environment.GetEnvironmentVariable("NEURALSTYLE_TEST_IMAGES") ?? throw new InvalidOperationException("Set NEURALSTYLE_TEST_IMAGES: its photos are the held-out test set."),
        Arg("--styles", "styles"),
        Arg("--photos", "tubingen,chicago,stata").Split(','),
        int.Parse(Arg("--repeats", "5")),
        outFolder);
    return;
}

if (Array.IndexOf(args, "--video") >= 0)
{
    static double[] Doubles(string text) => text.Split(',').Select(x => double.Parse(x, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    await VideoBench.RunAsync(
        weights,
        Environment.GetEnvironmentVariable("NEURALSTYLE_TEST_IMAGES") ?? throw new InvalidOperationException("Set NEURALSTYLE_TEST_IMAGES to the folder with the styles."),
        Arg("--clip", "/usr/share/doc/opencv-doc/examples/data/vtest.avi"),
        Arg("--style", "starry_night.jpg"),
        Arg("--configurations", "256x10,512x4").Split(',').Select(c => c.Split('x')).Select(c => (int.Parse(c[0]), int.Parse(c[1]))).ToArray(),
        precisions,
        Doubles(Arg("--temporal-weights", "1e9")),
        int.Parse(Arg("--later-iterations", "25")),
        Array.IndexOf(args, "--model") >= 0 ? Arg("--model", string.Empty) : null,
        Doubles(Arg("--blends", "0.5,0.8,0.95")),
        Arg("--work", Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "neuralstyle", "bench-video")),
        outFolder);
    return;
}

if (Array.IndexOf(args, "--training-speed") >= 0)
{
    static int[] Ints(string text) => text.Split(',').Select(int.Parse).ToArray();
    await TrainingSpeed.RunAsync(
        weights,
        Environment.GetEnvironmentVariable("NEURALSTYLE_TEST_IMAGES") ?? throw new InvalidOperationException("Set NEURALSTYLE_TEST_IMAGES to the folder with starry_night.jpg."),
        Ints(Arg("--widths", "16,32")),
        Ints(Arg("--crops", "128,256")),
        Ints(Arg("--batches", "1,4")),
        int.Parse(Arg("--steps", "6")),
        outFolder);
    return;
}

if (Array.IndexOf(args, "--tiled") >= 0)
{
    await TiledRun.RunAsync(
        weights,
        Environment.GetEnvironmentVariable("NEURALSTYLE_TEST_IMAGES") ?? throw new InvalidOperationException("Set NEURALSTYLE_TEST_IMAGES to the folder with tubingen.jpg and starry_night.jpg."),
        int.Parse(Arg("--size", "3072")),
        int.Parse(Arg("--start-size", "128")),
        int.Parse(Arg("--iterations", "50")),
        long.Parse(Arg("--max-memory-bytes", "7000000000")),
        Enum.Parse<ComputePrecision>(Arg("--precision", "BFloat16"), ignoreCase: true),
        outFolder);
    return;
}

if (Array.IndexOf(args, "--statistics") >= 0)
{
    await StatisticCost.RunAsync(
        weights,
        Environment.GetEnvironmentVariable("NEURALSTYLE_TEST_IMAGES") ?? throw new InvalidOperationException("Set NEURALSTYLE_TEST_IMAGES to the folder with tubingen.jpg and starry_night.jpg."),
        Arg("--sizes", "512,1024").Split(',').Select(int.Parse).ToArray(),
        precisions,
        int.Parse(Arg("--iterations", "8")),
        outFolder);
    return;
}

if (Array.IndexOf(args, "--style-evidence") >= 0)
{
    await StyleEvidence.RunAsync(
        weights,
        Environment.GetEnvironmentVariable("NEURALSTYLE_TEST_IMAGES") ?? throw new InvalidOperationException("Set NEURALSTYLE_TEST_IMAGES to the folder with the shared photos and paintings."),
        Arg("--records", Path.Combine("bench", "results", "style-evidence-runs")),
        Arg("--work", Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "neuralstyle", "bench-style-evidence")),
        outFolder,
        double.Parse(Arg("--budget", "90"), System.Globalization.CultureInfo.InvariantCulture),
        Array.IndexOf(args, "--report") >= 0,
        Array.IndexOf(args, "--retune") >= 0);
    return;
}

if (Array.IndexOf(args, "--web-load") >= 0)
{
    await WebLoad.RunAsync(
        weights,
        Environment.GetEnvironmentVariable("NEURALSTYLE_TEST_IMAGES") ?? throw new InvalidOperationException("Set NEURALSTYLE_TEST_IMAGES to the folder with tubingen.jpg and starry_night.jpg."),
        Path.GetFullPath(Arg("--web-dll", Path.Combine("src", "NeuralStyle.Web", "bin", "Release", "net10.0", "NeuralStyle.Web.dll"))),
        int.Parse(Arg("--clients", "8")),
        TimeSpan.FromSeconds(int.Parse(Arg("--seconds", "120"))),
        outFolder);
    return;
}

if (Array.IndexOf(args, "--engine") >= 0)
{
    await EngineScaling.RunAsync(
        weights,
        Environment.GetEnvironmentVariable("NEURALSTYLE_TEST_IMAGES") ?? throw new InvalidOperationException("Set NEURALSTYLE_TEST_IMAGES to the folder with tubingen.jpg and starry_night.jpg."),
        int.Parse(Arg("--batch-images", "4")),
        outFolder);
    return;
}

if (Array.IndexOf(args, "--precision-quality") is var q and >= 0)
{
    await PrecisionQuality.RunAsync(weights, int.Parse(args[q + 1]), int.Parse(args[q + 2]), outFolder);
    return;
}

if (Array.IndexOf(args, "--time-to-quality") >= 0)
{
    await TimeToQuality.RunAsync(
        weights,
        Environment.GetEnvironmentVariable("NEURALSTYLE_TEST_IMAGES") ?? throw new InvalidOperationException("Set NEURALSTYLE_TEST_IMAGES to the folder with the suite's images (../shared/images)."),
        Arg("--sizes", "256,512").Split(',').Select(int.Parse).ToArray(),
        Array.IndexOf(args, "--pairs") >= 0
            ? Arg("--pairs", "").Split(',').Select(p => p.Split('+') is [var c, var s] ? (c, s) : throw new ArgumentException($"a pair is content+style, not '{p}'")).ToArray()
            : TimeToQuality.Suite,
        int.Parse(Arg("--tutorial-iterations", "1000")),
        int.Parse(Arg("--cap", "1000")),
        int.Parse(Arg("--evaluate-every", "5")),
        Arg("--contenders", bfloat16Emulated ? "lbfgs-float32" : "lbfgs-float32,lbfgs-bfloat16").Split(','),
        int.Parse(Arg("--coarse-iterations", "200")),
        Arg("--bars", Path.Combine("bench", "results", "time-to-quality-bars.json")),
        Array.IndexOf(args, "--bars-only") >= 0,
        outFolder);
    return;
}

var results = new Dictionary<string, object>
{
    ["machine"] = Machine.Describe(),
    ["date"] = DateTime.UtcNow.ToString("u"),
};

Console.WriteLine($"machine: {Machine.Summary()}");
if (bfloat16Emulated)
{
    Console.WriteLine("bfloat16 is emulated on this CPU (no AVX-512 BF16 or AMX): left out unless --precisions names it");
}

var fp32 = MatmulGflops(ScalarType.Float32);
double? bf16 = precisions.Contains(ComputePrecision.BFloat16) ? MatmulGflops(ScalarType.BFloat16) : null;
Console.WriteLine($"matmul 2048²: float32 {fp32:F1} GFLOP/s, bfloat16 {(bf16 is { } rate ? $"{rate:F1} GFLOP/s" : "not measured")}");
results["matmul_gflops"] = new { float32 = fp32, bfloat16 = bf16 };

var perSize = new List<object>();
Console.WriteLine("precision size      ms/iter   GFLOP/iter   GFLOP/s   of fp32 matmul   peak RSS MB");
foreach (var precision in precisions)
{
    using var extractor = Vgg19FeatureExtractor.FromFile(weights, deepestLayer: "block5_conv2", precision: precision);
    foreach (var size in sizes)
    {
        var (h, w) = (size * 3 / 4, size);
        using var scope = NewDisposeScope();
        var content = rand([1, 3, h, w], generator: new Generator(1));
        var style = rand([1, 3, h, w], generator: new Generator(2));
        using var optimizer = new StyleOptimizer(extractor, content, style, content, new StyleOptimizerSettings());
        optimizer.Step(); // warm-up
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
        {
            optimizer.Step();
        }

        var ms = clock.Elapsed.TotalMilliseconds / iterations;
        var gflop = ConvolutionWork.IterationFlops(h, w) / 1e9;
        var achieved = gflop / (ms / 1000);
        var peak = PeakResidentMegabytes();
        Console.WriteLine($"{precision,-9} {w}×{h,-5} {ms,9:F0} {gflop,12:F1} {achieved,9:F1} {achieved / fp32,16:P0} {peak,13:F0}");
        perSize.Add(new { precision = precision.ToString(), width = w, height = h, ms_per_iteration = ms, gflop_per_iteration = gflop, gflops = achieved, fraction_of_fp32_matmul = achieved / fp32, peak_rss_mb = peak });
    }
}

results["iteration_cost"] = perSize;
Directory.CreateDirectory(outFolder);
var file = Path.Combine(outFolder, $"bench-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");
File.WriteAllText(file, JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine($"wrote {file}");

string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

static double MatmulGflops(ScalarType type)
{
    using var scope = NewDisposeScope();
    var a = rand(2048, 2048).to(type);
    var b = rand(2048, 2048).to(type);
    a.matmul(b);
    const int repeats = 10;
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < repeats; i++)
    {
        a.matmul(b);
    }

    return 2.0 * 2048 * 2048 * 2048 * repeats / clock.Elapsed.TotalSeconds / 1e9;
}

static double PeakResidentMegabytes() => PeakMemory.Bytes() / (1024.0 * 1024);
