using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NeuralStyle.Imaging;
using static TorchSharp.torch;

namespace NeuralStyle.Benchmarks;

/// <summary>
/// The evidence for choosing a style statistic and a loss normalisation (issue 41): each of the nine
/// configurations (Gram, Wasserstein, sliced Wasserstein; each with every <see cref="LossNormalization"/>)
/// runs every photo × painting pair at 512 px with the same
/// time budget, and the weights of each, tuned once on tubingen × starry_night at 512 px, are carried
/// unchanged to the other pairs and to 256 and 1024 px.
/// </summary>
/// <remarks>
/// <para>
/// Every run is one scale from the content image, L-BFGS, float32, seed 1. The time budget becomes an
/// iteration count per statistic, from its measured cost at 512 px, once, in a plan kept with the
/// records; the runs then do fixed work, so other processes on the machine change their wall times but
/// not their images. Wall times are recorded; they are fair only when the bench ran alone.
/// </para>
/// <para>
/// Two measures of a result, both ratios, so that configurations with different units compare:
/// <c>u</c>, the content change, mean((F − P)²)/mean(P²) of block5_conv2 features against the content
/// photo's (how far the picture left its photo, the same yardstick for every configuration); and
/// <c>t</c>, the style term left, the configuration's own style term at the result over its value at
/// the content photo.
/// </para>
/// <para>
/// Tuning: the default (Gram, no normalisation, the library's weights) sets the strength to match,
/// its <c>u</c> on tubingen × starry_night. Every other configuration starts from the weights that
/// give each of its terms the default's pull on the default's result (the gradient norms with
/// respect to the image, per unit weight, there), then its style weight is searched (secant steps in
/// log–log) until its <c>u</c> is within 10 % of the default's, at most four runs; the closest run's
/// weights are its tuned weights. Carrying: the same weights everywhere else; the spread of
/// <c>u</c>/<c>u</c> at tuning and of <c>t</c>/<c>t</c> at tuning says how far they carry (1 is perfect).
/// </para>
/// <para>
/// Every finished run is a record (a small JSON file) in the records folder, which lives in the
/// repository so that it outlasts the machine, and is not run again; its image and a run in
/// progress's checkpoint (every 10 iterations) are in the work folder. Reruns of the bench continue
/// where the last stopped.
/// </para>
/// </remarks>
internal static class StyleEvidence
{
    private const string TuningContent = "tubingen";
    private const string TuningStyle = "starry_night";
    private const int TuningSize = 512;
    private static readonly string[] Photos = ["tubingen", "chicago", "stata"];
    private static readonly string[] Paintings = ["starry_night", "shipwreck", "the_scream", "udnie", "wave"];

    /// <summary>The reference every strength is matched to: Gram, unscaled, at the library's weights for it (the library's defaults until issue 41).</summary>
    private static readonly StyleTransferOptions Reference = new() { StyleStatistic = StyleStatistic.Gram, LossNormalization = LossNormalization.None };

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private static readonly (StyleStatistic Statistic, LossNormalization Normalization)[] Configurations =
        [.. Enum.GetValues<StyleStatistic>().SelectMany(s => Enum.GetValues<LossNormalization>().Select(n => (s, n)))];

    public static async Task RunAsync(string weights, string images, string records, string work, string outFolder, double budgetSeconds, bool reportOnly, bool retune)
    {
        Directory.CreateDirectory(records);
        Directory.CreateDirectory(Path.Combine(work, "runs"));
        Directory.CreateDirectory(Path.Combine(work, "images"));
        await using var engine = new StyleTransferEngine(new StyleTransferEngineOptions { WeightsPath = weights });
        using var ruler = new Ruler(weights, images);
        var context = new Context(engine, ruler, images, records, work, await PlanAsync(engine, images, records, budgetSeconds));
        if (!reportOnly)
        {
            await TuneAndCarryAsync(context, retune);
        }

        WriteReport(context, outFolder);
    }

    private static async Task TuneAndCarryAsync(Context context, bool retune)
    {
        var reference = await context.RunAsync(new Case(TuningContent, TuningStyle, TuningSize, Reference.StyleStatistic, Reference.LossNormalization, Reference.ContentWeight, Reference.StyleWeight));
        var tuned = new Dictionary<(StyleStatistic, LossNormalization), Record> { [(StyleStatistic.Gram, LossNormalization.None)] = reference };
        foreach (var (statistic, normalization) in Configurations.Skip(1))
        {
            // The library's starting weights are this tuning's result (StartingWeights); the search
            // runs again only when asked, to re-derive them.
            var library = new StyleTransferOptions { StyleStatistic = statistic, LossNormalization = normalization };
            tuned[(statistic, normalization)] = retune
                ? await TuneAsync(context, reference, statistic, normalization)
                : await context.RunAsync(new Case(TuningContent, TuningStyle, TuningSize, statistic, normalization, library.ContentWeight, library.StyleWeight));
        }

        // The sizes first, then the slope runs, then the pairs; the default's and the style-scaled
        // configurations (the candidates for the default) before the rest, tubingen (the pictures the
        // gallery shows) before the photos the docs cannot show. 1024 px is the longest part (about
        // 15 minutes for a Gram run alone), so the candidates' come first.
        var order = Configurations
            .OrderBy(c => c == (StyleStatistic.Gram, LossNormalization.None) ? 0 : c.Normalization == LossNormalization.Style ? 1 : c.Normalization == LossNormalization.None ? 2 : 3)
            .ToList();
        foreach (var size in new[] { 256, 1024 })
        {
            foreach (var configuration in order)
            {
                await context.RunAsync(tuned[configuration].Case with { Size = size });
            }
        }

        // The report turns a carried run's strength into the factor its own weight would differ by,
        // through u's slope against β on the tuning pair; that needs two runs there that left the photo.
        foreach (var configuration in order)
        {
            var weights = tuned[configuration].Case;
            await context.RunAsync(weights with { StyleWeight = Round(weights.StyleWeight * 2) });
        }

        var pairs = Photos.SelectMany(c => Paintings.Select(p => (Content: c, Style: p))).Where(p => p != (TuningContent, TuningStyle));
        foreach (var configuration in order)
        {
            // Scaling the content term too cannot be tuned to the default's strength (the tuning's
            // records show why), so it is carried only as far as the pictures the gallery shows.
            foreach (var (content, style) in pairs.Where(p => configuration.Normalization != LossNormalization.All || p.Content == TuningContent))
            {
                await context.RunAsync(tuned[configuration].Case with { Content = content, Style = style });
            }
        }
    }

    /// <summary>The style weight at which a configuration leaves the photo as far as the reference does, on the tuning pair.</summary>
    /// <remarks>
    /// u grows with the style weight, but not smoothly: with the scaled content term (a norm, not a
    /// square, so it has a kink at the photo) the picture does not leave the photo at all below some
    /// style weight. So the search brackets the target and then interpolates in log–log between the
    /// nearest runs on either side (halving in log while one side has not left the photo); before a
    /// bracket exists it steps by (u₀/u)², capped at 30× either way.
    /// </remarks>
    private static async Task<Record> TuneAsync(Context context, Record reference, StyleStatistic statistic, LossNormalization normalization)
    {
        const int MaxRuns = 6;
        var target = reference.ContentChange;
        var (contentWeight, styleWeight) = context.Ruler.EquivalentWeights(reference, context.ImagePath(reference.Image), statistic, normalization);
        var tried = new List<Record>();
        for (var attempt = 0; attempt < MaxRuns; attempt++)
        {
            var record = await context.RunAsync(new Case(TuningContent, TuningStyle, TuningSize, statistic, normalization, contentWeight, styleWeight));
            tried.Add(record);
            if (Math.Abs(Math.Log(record.ContentChange / target)) < Math.Log(1.1))
            {
                break;
            }

            var below = tried.Where(r => r.ContentChange < target).MaxBy(r => r.StyleWeight);
            var above = tried.Where(r => r.ContentChange > target).MinBy(r => r.StyleWeight);
            var next = (below, above) switch
            {
                ({ ContentChange: > 0 } b, { } a) => Math.Exp(Math.Log(b.StyleWeight) + (Math.Log(target / b.ContentChange) * Math.Log(a.StyleWeight / b.StyleWeight) / Math.Log(a.ContentChange / b.ContentChange))),
                ({ } b, { } a) => Math.Sqrt(b.StyleWeight * a.StyleWeight),
                _ => record.StyleWeight * Math.Clamp(record.ContentChange > 0 ? Math.Pow(target / record.ContentChange, 2) : 30, 1.0 / 30, 30),
            };
            styleWeight = Round(next);
        }

        return tried.MinBy(r => Math.Abs(Math.Log(target / r.ContentChange)))!;
    }

    /// <summary>The iteration count of each statistic for the budget, measured once at 512 px and kept.</summary>
    private static async Task<Plan> PlanAsync(StyleTransferEngine engine, string images, string records, double budgetSeconds)
    {
        var path = Path.Combine(records, "plan.json");
        if (File.Exists(path))
        {
            return JsonSerializer.Deserialize<Plan>(await File.ReadAllTextAsync(path))!;
        }

        var costs = new Dictionary<string, double>();
        foreach (var statistic in Enum.GetValues<StyleStatistic>())
        {
            const int Iterations = 8;
            var clock = Stopwatch.StartNew();
            var (second, last) = (TimeSpan.Zero, TimeSpan.Zero);
            await engine.RunAsync(
                Options(images, new Case(TuningContent, TuningStyle, TuningSize, statistic, LossNormalization.None, 1e4, 1e-2), Iterations),
                new Reports(p => (second, last) = (p.Iteration == 2 ? clock.Elapsed : second, clock.Elapsed)));
            costs[statistic.ToString()] = (last - second).TotalSeconds / (Iterations - 2);
            Console.WriteLine($"{statistic,-18} {costs[statistic.ToString()]:F2} s per L-BFGS iteration at {TuningSize} px");
        }

        var plan = new Plan(budgetSeconds, JsonSerializer.Serialize(Machine.Describe()), costs, costs.ToDictionary(c => c.Key, c => Math.Max(10, (int)Math.Round(budgetSeconds / c.Value))));
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(plan, Json));
        return plan;
    }

    private static StyleTransferOptions Options(string images, Case run, int iterations) => new()
    {
        Content = Path.Combine(images, run.Content + ".jpg"),
        Styles = [Path.Combine(images, run.Style + ".jpg")],
        OutputSize = run.Size,
        StartSize = run.Size,
        Iterations = iterations,
        Optimizer = OptimizerKind.Lbfgs,
        Precision = ComputePrecision.Float32,
        StyleStatistic = run.Statistic,
        LossNormalization = run.Normalization,
        ContentWeight = run.ContentWeight,
        StyleWeight = run.StyleWeight,
        Seed = 1,
    };

    /// <summary>Three significant digits: tuned weights that print as they are.</summary>
    private static double Round(double value) => double.Parse(value.ToString("G3", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static void WriteReport(Context context, string outFolder)
    {
        var records = Directory.GetFiles(context.Records, "*.json")
            .Where(f => Path.GetFileName(f) != "plan.json")
            .Select(f => JsonSerializer.Deserialize<Record>(File.ReadAllText(f))!)
            .ToList();
        var rows = new List<object>();
        foreach (var (statistic, normalization) in Configurations)
        {
            var mine = records.Where(r => r.Statistic == statistic.ToString() && r.Normalization == normalization.ToString()).ToList();
            var tuning = mine.Where(r => r.Content == TuningContent && r.Style == TuningStyle && r.Size == TuningSize).ToList();
            var reference = records.FirstOrDefault(r => r.Statistic == nameof(StyleStatistic.Gram) && r.Normalization == nameof(LossNormalization.None)
                && r.Content == TuningContent && r.Style == TuningStyle && r.Size == TuningSize
                && r.ContentWeight == Reference.ContentWeight && r.StyleWeight == Reference.StyleWeight);
            if (reference is null || tuning.Count == 0)
            {
                continue;
            }

            // The tuned run: the one whose weights were carried to other pairs and sizes (the slope
            // run at twice the weight can be closer to the target, but it is not the tuned one); before
            // any is carried, the one closest to the target, as the tuning chose.
            static bool SameWeights(Record a, Record b) => a.ContentWeight == b.ContentWeight && a.StyleWeight == b.StyleWeight;
            var best = tuning.MaxBy(r => (mine.Count(o => SameWeights(o, r)), -Math.Abs(Math.Log(reference.ContentChange / r.ContentChange))))!;
            var carried = mine.Where(r => SameWeights(r, best)).ToList();
            var slope = Slope(tuning, best);
            SaveGallery(context, carried.Where(r => r.Content == TuningContent && r.Size == TuningSize), Path.Combine(outFolder, "style-evidence-gallery"));
            var cases = carried.Select(r => new
            {
                pair = $"{r.Content}×{r.Style}",
                size = r.Size,
                r.Iterations,
                r.Seconds,
                content_change = r.ContentChange,
                style_left = r.StyleLeft,
                content_change_vs_tuned = r.ContentChange / best.ContentChange,
                style_left_vs_tuned = r.StyleLeft / best.StyleLeft,
            }).ToList();
            rows.Add(new
            {
                statistic = statistic.ToString(),
                normalization = normalization.ToString(),
                content_weight = best.ContentWeight,
                style_weight = best.StyleWeight,
                tuning_runs = tuning.Select(r => new { r.StyleWeight, r.ContentChange }),
                cases,
                slope,
                own_weight_factors = carried.Select(r => new { pair = $"{r.Content}×{r.Style}", size = r.Size, factor = Math.Pow(best.ContentChange / r.ContentChange, 1 / slope) }),
                spread = Spread(carried.Select(r => (r.ContentChange / best.ContentChange, r.StyleLeft / best.StyleLeft, r.Size))),
            });
            Console.WriteLine($"{statistic,-18} {normalization,-9} α {best.ContentWeight:G3} β {best.StyleWeight:G3}: {carried.Count} runs; "
                + string.Join("; ", carried.Select(r => $"{r.Content}×{r.Style}@{r.Size} u {r.ContentChange / best.ContentChange:F2} t {r.StyleLeft / best.StyleLeft:F2} {r.Seconds:F0} s")));
        }

        Directory.CreateDirectory(outFolder);
        var path = Path.Combine(outFolder, $"style-evidence-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new { date = DateTime.UtcNow.ToString("u"), plan = context.Plan, runs = records.Count, rows }, Json));
        Console.WriteLine($"wrote {path}");
    }

    /// <summary>
    /// The pictures docs/gallery.md shows (tubingen, whose licence allows it, with each painting), as
    /// JPEG at 384 px: <c>PAINTING-STATISTIC-NORMALIZATION.jpg</c>.
    /// </summary>
    private static void SaveGallery(Context context, IEnumerable<Record> records, string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var record in records.Where(r => File.Exists(context.ImagePath(r.Image))))
        {
            RgbImage.Load(context.ImagePath(record.Image)).ResizeToFit(384).Save(
                Path.Combine(folder, $"{record.Style}-{record.Statistic}-{record.Normalization}.jpg".ToLowerInvariant()),
                new ImageSaveOptions { Overwrite = true, Quality = 85 });
        }
    }

    /// <summary>
    /// d ln u / d ln β at the tuned weights: between the tuned run and the run at twice its style
    /// weight on the tuning pair. A carried run's own weight (the one that would give it the tuned
    /// run's u) is then about the carried weight × (u tuned / u)^(1 / slope). NaN where that does not
    /// hold: no such run, or u not growing with β there (a scaled content term's threshold).
    /// </summary>
    private static double Slope(IReadOnlyList<Record> tuning, Record best)
    {
        var twice = tuning.FirstOrDefault(r => r.ContentWeight == best.ContentWeight && r.StyleWeight == Round(best.StyleWeight * 2));
        var slope = twice is null ? double.NaN : Math.Log(twice.ContentChange / best.ContentChange) / Math.Log(twice.StyleWeight / best.StyleWeight);
        return slope > 0 ? slope : double.NaN;
    }

    /// <summary>For the pairs at 512 px and for the sizes: the largest factor by which u and t stray from the tuned run's, either way (NaN while no such run exists, infinity for a picture left untouched).</summary>
    private static object Spread(IEnumerable<(double U, double T, int Size)> ratios)
    {
        var all = ratios.ToList();
        static double Worst(IEnumerable<double> values) => values.Select(v => Math.Exp(Math.Abs(Math.Log(v)))).DefaultIfEmpty(double.NaN).Max();
        return new
        {
            pairs_content_change = Worst(all.Where(r => r.Size == TuningSize).Select(r => r.U)),
            pairs_style_left = Worst(all.Where(r => r.Size == TuningSize).Select(r => r.T)),
            sizes_content_change = Worst(all.Where(r => r.Size != TuningSize).Select(r => r.U)),
            sizes_style_left = Worst(all.Where(r => r.Size != TuningSize).Select(r => r.T)),
        };
    }

    private sealed record Case(string Content, string Style, int Size, StyleStatistic Statistic, LossNormalization Normalization, double ContentWeight, double StyleWeight)
    {
        public string Key => string.Create(CultureInfo.InvariantCulture, $"{Content}-{Style}-{Size}-{Statistic}-{Normalization}-a{ContentWeight:G3}-b{StyleWeight:G3}");
    }

    private sealed record Record(
        string Content, string Style, int Size, string Statistic, string Normalization, double ContentWeight, double StyleWeight,
        int Iterations, double Seconds, double ContentChange, double StyleLeft, string Image, string Machine, string Date)
    {
        /// <summary>The case this record ran.</summary>
        public Case Case => new(Content, Style, Size, Enum.Parse<StyleStatistic>(Statistic), Enum.Parse<LossNormalization>(Normalization), ContentWeight, StyleWeight);
    }

    private sealed record Plan(double BudgetSeconds, string Machine, Dictionary<string, double> SecondsPerIteration, Dictionary<string, int> Iterations);

    private sealed class Context(StyleTransferEngine engine, Ruler ruler, string images, string records, string work, Plan plan)
    {
        public Ruler Ruler => ruler;

        /// <summary>The folder of finished runs' records, kept in the repository so that they outlast the machine.</summary>
        public string Records => records;

        public Plan Plan => plan;

        /// <summary>Where a record's image is: in the work folder, so on the machine that ran it only.</summary>
        public string ImagePath(string image) => Path.Combine(work, "images", image);

        /// <summary>A case's record: read if it was run before, else run (resuming its checkpoint), measured and kept.</summary>
        public async Task<Record> RunAsync(Case run)
        {
            var recordPath = Path.Combine(records, run.Key + ".json");
            if (File.Exists(recordPath))
            {
                return JsonSerializer.Deserialize<Record>(await File.ReadAllTextAsync(recordPath))!;
            }

            var checkpoint = Path.Combine(work, "runs", run.Key + ".ckpt");
            var iterations = plan.Iterations[run.Statistic.ToString()];
            var options = Options(images, run, iterations) with
            {
                CheckpointPath = checkpoint,
                CheckpointInterval = 10,
                ResumeFrom = File.Exists(checkpoint) ? checkpoint : null,
            };
            var clock = Stopwatch.StartNew();
            StyleTransferResult result;
            try
            {
                result = await engine.RunAsync(options);
            }
            catch (CheckpointException ex) when (options.ResumeFrom is not null)
            {
                // Made by another build of the library (checkpoints name their version): start afresh.
                Console.WriteLine($"{run.Key}: {ex.Message} Starting afresh.");
                File.Delete(checkpoint);
                options = options with { ResumeFrom = null };
                clock.Restart();
                result = await engine.RunAsync(options);
            }

            var seconds = clock.Elapsed.TotalSeconds;
            var image = run.Key + ".png";
            result.Image.Save(ImagePath(image), new ImageSaveOptions { Overwrite = true });
            var (contentChange, styleLeft) = ruler.Measure(run, result.Image);
            var record = new Record(
                run.Content, run.Style, run.Size, run.Statistic.ToString(), run.Normalization.ToString(), run.ContentWeight, run.StyleWeight,
                iterations, seconds, contentChange, styleLeft, image, JsonSerializer.Serialize(Machine.Describe()), DateTime.UtcNow.ToString("u"));
            await File.WriteAllTextAsync(recordPath, JsonSerializer.Serialize(record, Json));
            File.Delete(checkpoint);
            Console.WriteLine($"{run.Key}: {iterations} iterations, {seconds:F0} s{(options.ResumeFrom is null ? string.Empty : " (resumed)")}, u {contentChange:G3}, t {styleLeft:G3}");
            return record;
        }
    }

    /// <summary>Measures results in float32 at their own size, with the content and style prepared as a run prepares them.</summary>
    private sealed class Ruler(string weights, string images) : IDisposable
    {
        private const string ContentLayer = "block5_conv2";
        private readonly Vgg19FeatureExtractor _extractor = Vgg19FeatureExtractor.FromFile(weights, deepestLayer: "block5_conv2");

        /// <summary>u, the content change, and t, the configuration's own style term left (see the class remarks).</summary>
        public (double ContentChange, double StyleLeft) Measure(Case run, RgbImage result)
        {
            using var scope = NewDisposeScope();
            var (content, style) = Inputs(run.Content, run.Style, run.Size);
            var image = ImageTensors.ToTensor(result.Width == content.shape[3] && result.Height == content.shape[2] ? result : result.Resize((int)content.shape[3], (int)content.shape[2]));
            using var noGrad = no_grad();
            var target = _extractor.Extract(content, [ContentLayer])[ContentLayer];
            var features = _extractor.Extract(image, [ContentLayer])[ContentLayer];
            var contentChange = (features - target).square().mean().item<float>() / target.square().mean().item<float>();
            var settings = Settings(run.Statistic, run.Normalization);
            return (contentChange, StyleTerm(content, style, image, settings) / StyleTerm(content, style, content, settings));
        }

        /// <summary>
        /// The weights at which a configuration's content and style terms pull on the reference's result
        /// as hard as the reference's own terms do (gradient norms with respect to the image).
        /// </summary>
        public (double ContentWeight, double StyleWeight) EquivalentWeights(Record reference, string referenceImage, StyleStatistic statistic, LossNormalization normalization)
        {
            using var scope = NewDisposeScope();
            var (content, style) = Inputs(reference.Content, reference.Style, reference.Size);
            var result = ImageTensors.ToTensor(RgbImage.Load(referenceImage));
            var (referenceContent, referenceStyle) = Pulls(content, style, result, Settings(StyleStatistic.Gram, LossNormalization.None));
            var (contentPull, stylePull) = Pulls(content, style, result, Settings(statistic, normalization));
            return (Round(reference.ContentWeight * referenceContent / contentPull), Round(reference.StyleWeight * referenceStyle / stylePull));
        }

        public void Dispose() => _extractor.Dispose();

        private static StyleOptimizerSettings Settings(StyleStatistic statistic, LossNormalization normalization) =>
            new() { StyleStatistic = statistic, LossNormalization = normalization };

        private (Tensor Content, Tensor Style) Inputs(string content, string style, int size) =>
            (ImageTensors.ToTensor(RgbImage.Load(Path.Combine(images, content + ".jpg")).ResizeToFit(size, allowUpscale: true)),
             ImageTensors.ToTensor(RgbImage.Load(Path.Combine(images, style + ".jpg")).ResizeToFit(size, allowUpscale: true)));

        private double StyleTerm(Tensor content, Tensor style, Tensor image, StyleOptimizerSettings settings)
        {
            using var objective = new StyleObjective(_extractor, content, [new StyleTensor(style)], settings);
            return objective.Evaluate(image).Values[1].item<float>();
        }

        /// <summary>The norms of the content and style terms' gradients with respect to the image, per unit weight.</summary>
        private (double Content, double Style) Pulls(Tensor content, Tensor style, Tensor at, StyleOptimizerSettings settings)
        {
            using var objective = new StyleObjective(_extractor, content, [new StyleTensor(style)], settings);
            var image = at.detach().clone().requires_grad_(true);
            var (_, values) = objective.Evaluate(image);
            var contentGradient = TorchSharp.torch.autograd.grad([values[0]], [image], retain_graph: true)[0];
            var styleGradient = TorchSharp.torch.autograd.grad([values[1]], [image])[0];
            return (contentGradient.norm().item<float>(), styleGradient.norm().item<float>());
        }
    }

    /// <summary>Reports on the engine's thread, as they happen.</summary>
    private sealed class Reports(Action<StyleTransferProgress> report) : IProgress<StyleTransferProgress>
    {
        public void Report(StyleTransferProgress value) => report(value);
    }
}
