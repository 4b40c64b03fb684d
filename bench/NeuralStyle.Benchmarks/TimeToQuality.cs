using System.Diagnostics;
using System.Text.Json;

namespace NeuralStyle.Benchmarks;

/// <summary>
/// Time to quality on a suite of content × style pairs at one or more sizes: for each pair and size
/// the TensorFlow tutorial's configuration (its weights and layers, single scale, Adam lr 0.02,
/// β₁ 0.99, ε 0.1, 1000 iterations) sets the bar with its final image; each contender runs until
/// its image, measured by the same float32 objective (<see cref="ObjectiveRuler"/>), is at least as
/// good. The figure of merit is the ratio of wall times (weights loading and style preparation
/// included on both sides); the report gives every pair, and each contender's median and worst.
/// </summary>
/// <remarks>
/// The tutorial's wall time for its iterations is fitted as a + b·n through two runs of its own on
/// the same pair (<see cref="TutorialTiming"/>): a run's first iterations cost more than the rest, so
/// one short run's mean cost per iteration would overstate a long run's. It is timed before and
/// after the pair's races; the faster timing (the smaller speed-up) counts, and where the bar itself
/// is computed in the same process, its run's wall time counts when it is faster still.
/// Its final value does not depend on how fast our code runs, and its run takes minutes to an hour
/// per pair, so each bar is computed once and kept in a bars file (<see cref="TutorialBars"/>) that
/// later runs read. A contender's image is measured every <c>evaluateEvery</c> iterations of its
/// output scale; the time spent measuring is not counted, and the run stops at the first image that
/// reaches the bar, so the reported time is an upper bound by at most that many iterations.
/// </remarks>
internal static class TimeToQuality
{
    /// <summary>The lengths of the tutorial's two timing runs (<see cref="TutorialTiming"/>).</summary>
    private const int TutorialShortRun = 10;
    private const int TutorialLongRun = 70;

    /// <summary>The suite: each of the three photos with at least two styles, each of the five artworks at least once.</summary>
    public static readonly IReadOnlyList<(string Content, string Style)> Suite =
    [
        ("tubingen", "starry_night"),
        ("tubingen", "shipwreck"),
        ("tubingen", "wave"),
        ("chicago", "the_scream"),
        ("chicago", "udnie"),
        ("chicago", "starry_night"),
        ("stata", "wave"),
        ("stata", "the_scream"),
    ];

    public static async Task RunAsync(
        string weights,
        string images,
        IReadOnlyList<int> sizes,
        IReadOnlyList<(string Content, string Style)> pairs,
        int tutorialIterations,
        int iterationCap,
        int evaluateEvery,
        IReadOnlyList<string> contenders,
        int coarseIterations,
        string barsFile,
        bool barsOnly,
        string outFolder)
    {
        Console.WriteLine($"machine: {Machine.Summary()}");
        if (ComputeSupport.BFloat16(ComputeDevice.Cpu) == BFloat16Support.Emulated && contenders.Any(c => c.EndsWith("bfloat16", StringComparison.Ordinal)))
        {
            Console.WriteLine("warning: bfloat16 is emulated on this CPU (no AVX-512 BF16 or AMX), about 30 times slower than float32: its races take hours here");
        }

        var bars = TutorialBars.Load(barsFile);
        var file = Path.Combine(outFolder, $"time-to-quality-suite-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");
        var rows = new List<Row>();
        var warm = false;
        foreach (var size in sizes)
        {
            foreach (var (contentName, styleName) in pairs)
            {
                var contentPath = Path.Combine(images, contentName + ".jpg");
                var stylePath = Path.Combine(images, styleName + ".jpg");
                var objective = TutorialObjective(contentPath, stylePath, size);
                var tutorial = TutorialOptimizer(objective) with { Iterations = tutorialIterations };
                using var ruler = new ObjectiveRuler(weights, contentPath, stylePath, tutorial);
                var label = $"{contentName} × {styleName} at {size} px";

                double? barRunSeconds = null; // the bar's own run, when it is computed in this process
                if (bars.Find(contentName, styleName, size, tutorialIterations) is not { } bar)
                {
                    var tutorialRun = await TimeRunAsync(tutorial);
                    barRunSeconds = tutorialRun.Seconds;
                    bar = new TutorialBar(contentName, styleName, size, tutorialIterations, ruler.Measure(tutorialRun.Result.Image), tutorialRun.Seconds, DateTime.UtcNow.ToString("u"));
                    bars.Add(bar);
                    bars.Save(barsFile);
                    Console.WriteLine($"{label}: tutorial's final objective {bar.Objective:E4} (its own run took {tutorialRun.Seconds:F0} s wall), recorded in {barsFile}");
                }
                else
                {
                    Console.WriteLine($"{label}: tutorial's final objective {bar.Objective:E4}, from {barsFile}");
                }

                if (barsOnly)
                {
                    continue;
                }

                if (!warm)
                {
                    await TimeRunAsync(tutorial with { Iterations = 2 }); // Warm-up: native library, JIT and file cache, so that no side pays for a cold start.
                    warm = true;
                }

                var timingBefore = await TimeTutorialAsync(tutorial);
                var races = new List<Race>();
                foreach (var name in contenders)
                {
                    var race = await RaceAsync(name, Contender(name, objective, iterationCap, coarseIterations), ruler, bar.Objective, evaluateEvery);
                    Console.WriteLine($"{label}, {name}: {(race.Reached ? "reached the bar" : "did not reach the bar")} after {race.Seconds:F0} s, {race.Iterations} iterations, objective {race.Objective:E4}");
                    races.Add(race);
                }

                var timingAfter = await TimeTutorialAsync(tutorial);
                var tutorialSeconds = new[] { timingBefore.Seconds(tutorialIterations), timingAfter.Seconds(tutorialIterations), barRunSeconds ?? double.MaxValue }.Min();
                Console.WriteLine($"{label}: tutorial {tutorialIterations} iterations ≈ {tutorialSeconds:F0} s ({timingBefore} / {timingAfter} before / after{(barRunSeconds is { } s ? $"; its bar run {s:F0} s" : "")})");
                rows.Add(new Row(contentName, styleName, size, bar.Objective, timingBefore, timingAfter, barRunSeconds, tutorialSeconds, races));
                WriteResults(file, rows, contenders, tutorialIterations, iterationCap, evaluateEvery, coarseIterations, barsFile);
            }
        }

        if (barsOnly)
        {
            return;
        }

        PrintTable(rows, contenders);
        Console.WriteLine($"wrote {file}");
    }

    /// <summary>Writes every pair raced so far, with the summaries; called after each pair, so that an interrupted suite keeps what it measured.</summary>
    private static void WriteResults(string file, IReadOnlyList<Row> rows, IReadOnlyList<string> contenders, int tutorialIterations, int iterationCap, int evaluateEvery, int coarseIterations, string barsFile)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        File.WriteAllText(file, JsonSerializer.Serialize(
            new
            {
                date = DateTime.UtcNow.ToString("u"),
                machine = Machine.Describe(),
                tutorial_iterations = tutorialIterations,
                iteration_cap = iterationCap,
                evaluate_every = evaluateEvery,
                coarse_iterations = contenders.Any(c => c.StartsWith("coarse-", StringComparison.Ordinal)) ? coarseIterations : (int?)null, // at half the size, before the output size
                bars_file = barsFile,
                pairs = rows.Select(r => new
                {
                    content = r.Content,
                    style = r.Style,
                    size = r.Size,
                    bar = r.Bar,
                    tutorial_seconds_per_iteration_before = r.TutorialBefore.SecondsPerIteration,
                    tutorial_seconds_per_iteration_after = r.TutorialAfter.SecondsPerIteration,
                    tutorial_first_seconds_before = r.TutorialBefore.FirstSeconds, // the fit's a: preparation and what a run's first iterations cost beyond b each
                    tutorial_first_seconds_after = r.TutorialAfter.FirstSeconds,
                    tutorial_bar_run_seconds = r.BarRunSeconds, // null unless the bar was computed in this run
                    tutorial_estimated_seconds = r.TutorialSeconds,
                    contenders = r.Races.Select(c => new
                    {
                        contender = c.Name,
                        reached = c.Reached,
                        seconds = c.Seconds,
                        iterations_total = c.Iterations,
                        objective = c.Objective,
                        speed_up = c.Reached ? r.TutorialSeconds / c.Seconds : (double?)null,
                        trace = c.Trace,
                    }),
                }),
                summary = Summaries(rows, contenders).Select(s => new
                {
                    size = s.Size,
                    contender = s.Contender,
                    pairs = s.Pairs,
                    reached = s.Reached,
                    median_speed_up = s.Median > 0 ? s.Median : (double?)null, // null: not reached on half the pairs or more
                    worst_speed_up = s.Worst > 0 ? s.Worst : (double?)null, // null: some bar not reached
                }),
            },
            new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>The tutorial's objective, which every contender minimises too: its weights, and its total variation summed (not our default mean). Its runs find the network through NEURALSTYLE_VGG19_WEIGHTS, as every run of the benchmark does.</summary>
    private static StyleTransferOptions TutorialObjective(string contentPath, string stylePath, int size) => new()
    {
        Content = contentPath,
        Styles = [stylePath],
        OutputSize = size,
        StartSize = size,
        ContentWeight = 1e4,
        StyleWeight = 1e-2,
        TotalVariationNorm = TotalVariationNorm.AbsoluteSum,
        TotalVariationWeight = 30,
        StyleStatistic = StyleStatistic.Gram,
        LossNormalization = LossNormalization.None,
    };

    /// <summary>The tutorial's optimiser on an objective: Adam at learning rate 0.02, β₁ 0.99, ε 0.1, one scale.</summary>
    private static StyleTransferOptions TutorialOptimizer(StyleTransferOptions objective) => objective with
    {
        Optimizer = OptimizerKind.Adam,
        Adam = new AdamSettings { LearningRate = 0.02, Beta1 = 0.99, Epsilon = 0.1 },
    };

    /// <summary>
    /// The contenders by name, all on the tutorial's objective: the tutorial's own Adam loop
    /// (<c>adam-</c>; in float32 it traces the bar's own curve, in bfloat16 it shows what the number
    /// format alone buys); our optimiser (L-BFGS) at one scale; L-BFGS for the first
    /// <see cref="AdamTakesOverAfter"/> iterations, then the tutorial's Adam with the moments it
    /// gathered along them (<c>lbfgs-adam-</c>);
    /// L-BFGS first at half the size for <paramref name="coarseIterations"/> iterations, then at the
    /// output size from that image upscaled (<c>coarse-</c>); and our default coarse-to-fine schedule;
    /// float32 or bfloat16.
    /// </summary>
    private static Entrant Contender(string name, StyleTransferOptions objective, int iterationCap, int coarseIterations) => name switch
    {
        "adam-float32" => new(TutorialOptimizer(objective) with { Iterations = iterationCap }),
        "adam-bfloat16" => new(TutorialOptimizer(objective) with { Iterations = iterationCap, Precision = ComputePrecision.BFloat16 }),
        "lbfgs-float32" => new(objective with { Iterations = iterationCap }),
        "lbfgs-bfloat16" => new(objective with { Iterations = iterationCap, Precision = ComputePrecision.BFloat16 }),
        "lbfgs-adam-float32" => new(LbfgsThenAdam(objective) with { Iterations = iterationCap }),
        "lbfgs-adam-bfloat16" => new(LbfgsThenAdam(objective) with { Iterations = iterationCap, Precision = ComputePrecision.BFloat16 }),
        "coarse-lbfgs-float32" => new(objective with { Iterations = iterationCap }, HalfSize(objective) with { Iterations = coarseIterations }),
        "coarse-lbfgs-bfloat16" => new(objective with { Iterations = iterationCap, Precision = ComputePrecision.BFloat16 }, HalfSize(objective) with { Iterations = coarseIterations, Precision = ComputePrecision.BFloat16 }),
        "default-float32" => new(objective with { StartSize = new StyleTransferOptions().StartSize }),
        "default-bfloat16" => new(objective with { StartSize = new StyleTransferOptions().StartSize, Precision = ComputePrecision.BFloat16 }),
        _ => throw new ArgumentException($"unknown contender '{name}' (adam-float32, adam-bfloat16, lbfgs-float32, lbfgs-bfloat16, lbfgs-adam-float32, lbfgs-adam-bfloat16, coarse-lbfgs-float32, coarse-lbfgs-bfloat16, default-float32, default-bfloat16)"),
    };

    /// <summary>L-BFGS's iterations before the tutorial's Adam takes over, in the <c>lbfgs-adam-</c> contenders.</summary>
    private const int AdamTakesOverAfter = 300;

    /// <summary>L-BFGS on an objective, then from <see cref="AdamTakesOverAfter"/> on the tutorial's Adam (learning rate 0.02, β₁ 0.99, ε 0.1).</summary>
    private static StyleTransferOptions LbfgsThenAdam(StyleTransferOptions objective) => objective with
    {
        Lbfgs = new LbfgsSettings { SwitchToAdamAfter = AdamTakesOverAfter },
        Adam = TutorialOptimizer(objective).Adam,
    };

    private static StyleTransferOptions HalfSize(StyleTransferOptions objective) =>
        objective with { OutputSize = objective.OutputSize / 2, StartSize = objective.OutputSize / 2 };

    private static IEnumerable<Summary> Summaries(IReadOnlyList<Row> rows, IReadOnlyList<string> contenders) =>
        from size in rows.Select(r => r.Size).Distinct()
        from name in contenders
        let speedUps = rows.Where(r => r.Size == size)
            .Select(r => r.Races.Single(c => c.Name == name) is var c && c.Reached ? r.TutorialSeconds / c.Seconds : 0.0)
            .Order()
            .ToArray()
        select new Summary(size, name, speedUps.Length, speedUps.Count(s => s > 0), Median(speedUps), speedUps[0]);

    /// <summary>
    /// The median of speed-ups sorted in ascending order, 0 standing for a bar not reached: with an
    /// even count the mean of the two middle ones, unless the lower of them is 0, where the median is
    /// 0 too (a mean with an unreached bar would be a number no race measured).
    /// </summary>
    internal static double Median(double[] sorted) =>
        sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
        : sorted[(sorted.Length / 2) - 1] == 0 ? 0
        : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;

    /// <summary>A speed-up as printed; 0 stands for a bar not reached.</summary>
    internal static string Ratio(double speedUp) => speedUp > 0 ? $"{speedUp:F1}×" : "never";

    private static void PrintTable(IReadOnlyList<Row> rows, IReadOnlyList<string> contenders)
    {
        Console.WriteLine();
        Console.WriteLine($"{"pair",-28} {"size",5} {"bar",11} {"tutorial s",11} " + string.Join(' ', contenders.Select(c => $"{c,24}")));
        foreach (var row in rows)
        {
            var cells = contenders.Select(name => row.Races.Single(c => c.Name == name) is var c && c.Reached
                ? $"{c.Seconds,7:F0} s {row.TutorialSeconds / c.Seconds,5:F1}× {c.Iterations,5} it"
                : $"never ({c.Objective / row.Bar - 1:P1} above)");
            Console.WriteLine($"{row.Content + " × " + row.Style,-28} {row.Size,5} {row.Bar,11:E4} {row.TutorialSeconds,11:F0} " + string.Join(' ', cells.Select(c => $"{c,24}")));
        }

        foreach (var s in Summaries(rows, contenders))
        {
            Console.WriteLine($"{s.Size} px, {s.Contender}: reached {s.Reached} of {s.Pairs}; median {Ratio(s.Median)}, worst {Ratio(s.Worst)}");
        }
    }

    /// <summary>The tutorial's wall time as a + b·n, from the wall times of a short and a long run of its own.</summary>
    private static async Task<TutorialTiming> TimeTutorialAsync(StyleTransferOptions tutorial)
    {
        var shortRun = await TimeRunAsync(tutorial with { Iterations = TutorialShortRun });
        var longRun = await TimeRunAsync(tutorial with { Iterations = TutorialLongRun });
        var perIteration = (longRun.Seconds - shortRun.Seconds) / (TutorialLongRun - TutorialShortRun);
        return new TutorialTiming(shortRun.Seconds - (TutorialShortRun * perIteration), perIteration);
    }

    private static async Task<(StyleTransferResult Result, double Seconds)> TimeRunAsync(StyleTransferOptions options)
    {
        var clock = Stopwatch.StartNew();
        var result = await StyleTransfer.RunAsync(options);
        return (result, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Runs until the image reaches <paramref name="bar"/> or the run ends; measuring time is left out of the clock.</summary>
    private static async Task<Race> RaceAsync(string name, Entrant entrant, ObjectiveRuler ruler, double bar, int evaluateEvery)
    {
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var measuring = TimeSpan.Zero;
        var trace = new List<double[]>();
        Race? reached = null;
        var options = entrant.Options;
        if (entrant.CoarseStart is { } coarse)
        {
            var start = await StyleTransfer.RunAsync(coarse);
            options = options with { Initialization = InitialImage.From(start.Image) };
        }

        var raced = options with
        {
            IntermediateImageInterval = evaluateEvery,
            IntermediateImage = (iteration, image) =>
            {
                if (Math.Max(image.Width, image.Height) != options.OutputSize || reached is not null)
                {
                    return;
                }

                var now = clock.Elapsed - measuring;
                var started = Stopwatch.StartNew();
                var objective = ruler.Measure(image);
                measuring += started.Elapsed;
                trace.Add([iteration, Math.Round(now.TotalSeconds, 2), objective]);
                if (objective <= bar)
                {
                    reached = new Race(name, true, now.TotalSeconds, iteration, objective, trace);
                    stop.Cancel();
                }
            },
        };

        try
        {
            var result = await StyleTransfer.RunAsync(raced, cancellationToken: stop.Token);
            var seconds = (clock.Elapsed - measuring).TotalSeconds;
            var objective = ruler.Measure(result.Image);
            trace.Add([result.LossHistory.Count, Math.Round(seconds, 2), objective]);
            return new Race(name, objective <= bar, seconds, result.LossHistory.Count, objective, trace);
        }
        catch (OperationCanceledException) when (reached is not null)
        {
            return reached;
        }
    }

    /// <summary>A contender's run at the output size, and the run whose image it starts from (timed with it), if any.</summary>
    private sealed record Entrant(StyleTransferOptions Options, StyleTransferOptions? CoarseStart = null);

    /// <summary>A contender's race; <paramref name="Trace"/> holds (iteration, seconds, objective) at every measurement.</summary>
    private sealed record Race(string Name, bool Reached, double Seconds, int Iterations, double Objective, IReadOnlyList<double[]> Trace);

    private sealed record Row(string Content, string Style, int Size, double Bar, TutorialTiming TutorialBefore, TutorialTiming TutorialAfter, double? BarRunSeconds, double TutorialSeconds, IReadOnlyList<Race> Races);

    /// <summary>
    /// The tutorial's wall time for n iterations, a + b·n: <paramref name="FirstSeconds"/> (a) holds
    /// its preparation and the extra cost of a run's first iterations, <paramref name="SecondsPerIteration"/>
    /// (b) the cost of each iteration after them (Adam's iterations all do the same work).
    /// </summary>
    private sealed record TutorialTiming(double FirstSeconds, double SecondsPerIteration)
    {
        public double Seconds(int iterations) => FirstSeconds + (iterations * SecondsPerIteration);

        public override string ToString() => $"{FirstSeconds:F1} s + {SecondsPerIteration * 1000:F0} ms per iteration";
    }

    /// <summary>A contender's speed-ups at one size over the pairs; a pair whose bar it did not reach counts as 0 (the slowest possible).</summary>
    private sealed record Summary(int Size, string Contender, int Pairs, int Reached, double Median, double Worst);
}
