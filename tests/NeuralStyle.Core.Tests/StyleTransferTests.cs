using NeuralStyle.Imaging;
using static TorchSharp.torch;

namespace NeuralStyle.Core.Tests;

/// <summary>The public one-call API end to end, with the real weights and photos at 128 px.</summary>
public sealed class StyleTransferTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("neuralstyle-run-").FullName;

    [SkippableFact]
    public async Task Default_optimizer_cuts_the_style_term_to_a_third_and_keeps_the_content()
    {
        var options = RealOptions();
        var reports = new List<StyleTransferProgress>();

        var result = await StyleTransfer.RunAsync(options, new SynchronousProgress<StyleTransferProgress>(reports.Add));

        var first = result.LossHistory[0];
        var last = result.FinalLosses;
        // The default style term is scaled (Σd²/Σ|d|), so it shrinks with the residual, not its square:
        // a third of it is about what a 90 % cut of the unscaled mean squared error is.
        Assert.True(last.Style <= first.Style / 3, $"style term went from {first.Style:E3} to {last.Style:E3}");

        // Bound on the content: in block5_conv2 features the result must be closer to the photo than
        // an image without content (flat grey) is, and at least twice as close as the artwork itself
        // (what a run that lost the content and copied the style would approach).
        var (grey, artwork) = ReferenceContentLosses(options);
        Assert.True(last.Content < grey, $"content loss {last.Content:E3} vs a grey image's {grey:E3}");
        Assert.True(last.Content < 0.5 * artwork, $"content loss {last.Content:E3} vs the artwork's {artwork:E3}");

        Assert.Equal(options.Iterations, reports.Count);
        Assert.Equal(Enumerable.Range(1, options.Iterations), reports.Select(r => r.Iteration));
        Assert.All(reports, r => Assert.Equal(options.Iterations, r.TotalIterations));
        Assert.True(last.Total <= reports.Min(r => r.Losses.Total), $"the result's loss {last.Total:E4} is above the best measured, {reports.Min(r => r.Losses.Total):E4}");
        Assert.Equal((128, 96), (result.Image.Width, result.Image.Height));
        Assert.Equal(options.Iterations, result.LossHistory.Count);
    }

    [SkippableFact]
    public async Task Output_is_written_and_an_existing_file_is_not_replaced_unless_asked()
    {
        var output = Path.Combine(_folder, "out.png");
        var options = RealOptions() with { Iterations = 2, OutputPath = output };

        var result = await StyleTransfer.RunAsync(options);

        Assert.Equal(output, result.OutputPath);
        Assert.Equal(result.Image.Pixels.ToArray(), RgbImage.Load(output).Pixels.ToArray());
        await Assert.ThrowsAsync<ImageSaveException>(() => StyleTransfer.RunAsync(options));
        var replaced = await StyleTransfer.RunAsync(options with { Iterations = 1, OverwriteOutput = true });
        Assert.Equal(replaced.Image.Pixels.ToArray(), RgbImage.Load(output).Pixels.ToArray());
    }

    [SkippableFact]
    public async Task Cancelling_after_a_few_iterations_ends_cancelled_and_writes_nothing()
    {
        var output = Path.Combine(_folder, "cancelled.png");
        using var cts = new CancellationTokenSource();
        var options = RealOptions() with { Iterations = 1000, OutputPath = output };
        var seen = 0;
        var progress = new SynchronousProgress<StyleTransferProgress>(p =>
        {
            seen = p.Iteration;
            if (p.Iteration == 3)
            {
                cts.Cancel();
            }
        });

        var task = StyleTransfer.RunAsync(options, progress, cts.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        Assert.True(task.IsCanceled);
        Assert.Equal(3, seen);
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    [SkippableFact]
    public async Task Noise_start_with_a_seed_is_reproducible()
    {
        var options = RealOptions() with { OutputSize = 32, Iterations = 3, Initialization = InitialImage.Noise, Seed = 1234 };

        var first = await StyleTransfer.RunAsync(options);
        var second = await StyleTransfer.RunAsync(options);

        Assert.Equal(first.Image.Pixels.ToArray(), second.Image.Pixels.ToArray());
        Assert.Equal(first.LossHistory, second.LossHistory);
    }

    [SkippableFact]
    public async Task An_unseeded_run_reports_its_seed_and_repeats_with_it()
    {
        var options = RealOptions() with { OutputSize = 32, Iterations = 3, Initialization = InitialImage.Noise };

        var unseeded = await StyleTransfer.RunAsync(options);
        var again = await StyleTransfer.RunAsync(options with { Seed = unseeded.Seed });
        var seeded = await StyleTransfer.RunAsync(options with { Seed = 77 });

        Assert.Equal(unseeded.Image.Pixels.ToArray(), again.Image.Pixels.ToArray());
        Assert.Equal(unseeded.LossHistory, again.LossHistory);
        Assert.Equal(77, seeded.Seed);
    }

    [SkippableFact]
    public async Task A_last_step_that_overshoots_is_not_returned()
    {
        // A learning rate of 1000 makes L-BFGS's first step move the steepest pixel by 50 (the image
        // lies in [0, 1]): it clamps most pixels to 0 or 1, far uphill. With one iteration the only
        // image whose loss was measured is the start, the content itself, so that is the result.
        var images = TestEnvironment.RequireImages();
        var options = RealOptions() with { OutputSize = 32, StartSize = 32, Iterations = 1, Lbfgs = new LbfgsSettings { LearningRate = 1000 } };
        var content = RgbImage.Load(Path.Combine(images, "tubingen.jpg")).ResizeToFit(32, allowUpscale: true);

        var result = await StyleTransfer.RunAsync(options);

        Assert.Equal(content.Pixels.ToArray(), result.Image.Pixels.ToArray());
        Assert.Equal(result.LossHistory[0], result.FinalLosses);
    }

    [SkippableFact]
    public async Task A_content_image_too_thin_for_the_network_is_refused_with_its_sizes_and_the_smallest_size_that_works()
    {
        TestEnvironment.RequireWeights();
        var options = RealOptions() with { OutputSize = 512 };

        // 400 × 10 at 512 px is 512 × 13 (12.8 rounded); block5_conv2 lies behind four 2× poolings, so it
        // needs 16 px; 16 · 400 / 10 = 640 px on the long side gives the short side 16.
        var narrow = await Assert.ThrowsAsync<ArgumentException>(() => StyleTransfer.RunAsync(options with { Content = Grey(400, 10) }));
        // 2000 × 3 would need 16 · 2000 / 3 ≈ 10667 px, above the largest output size.
        var sliver = await Assert.ThrowsAsync<ArgumentException>(() => StyleTransfer.RunAsync(options with { Content = Grey(2000, 3) }));

        Assert.Equal("Content", narrow.ParamName);
        Assert.Contains("400 × 10 px", narrow.Message);
        Assert.Contains("512 × 13 px", narrow.Message);
        Assert.Contains("at least 16 px", narrow.Message);
        Assert.Contains("set OutputSize to at least 640", narrow.Message);
        Assert.Contains("2000 × 3 px", sliver.Message);
        Assert.Contains("crop the image", sliver.Message);
        Assert.DoesNotContain("set OutputSize to at least", sliver.Message);
    }

    [SkippableFact]
    public async Task Stream_and_in_memory_inputs_work_and_intermediate_images_arrive_every_n_iterations()
    {
        var images = TestEnvironment.RequireImagesAndWeights();
        await using var contentStream = File.OpenRead(Path.Combine(images, "tubingen.jpg"));
        var style = RgbImage.Load(Path.Combine(images, "starry_night.jpg"));
        var intermediate = new List<(int Iteration, int Width)>();
        var options = new StyleTransferOptions
        {
            Content = ImageInput.FromStream(contentStream),
            Styles = [style],
            OutputSize = 48,
            Iterations = 5,
            IntermediateImageInterval = 2,
            IntermediateImage = (i, image) => intermediate.Add((i, image.Width)),
        };

        var result = await StyleTransfer.RunAsync(options);

        Assert.Equal([(2, 48), (4, 48)], intermediate);
        Assert.Equal((48, 36), (result.Image.Width, result.Image.Height));
    }

    [SkippableFact]
    public async Task Concurrent_runs_give_the_same_images_as_runs_made_alone()
    {
        var first = RealOptions() with { OutputSize = 40, Iterations = 3, Initialization = InitialImage.Noise, Seed = 11 };
        var second = first with { Seed = 12, StyleWeight = 0.05 };
        var aloneFirst = await StyleTransfer.RunAsync(first);
        var aloneSecond = await StyleTransfer.RunAsync(second);

        var together = await Task.WhenAll(
            Task.Run(() => StyleTransfer.RunAsync(first)),
            Task.Run(() => StyleTransfer.RunAsync(second)),
            Task.Run(() => StyleTransfer.RunAsync(first)));

        Assert.Equal(aloneFirst.Image.Pixels.ToArray(), together[0].Image.Pixels.ToArray());
        Assert.Equal(aloneSecond.Image.Pixels.ToArray(), together[1].Image.Pixels.ToArray());
        Assert.Equal(aloneFirst.Image.Pixels.ToArray(), together[2].Image.Pixels.ToArray());
        Assert.NotEqual(aloneFirst.Image.Pixels.ToArray(), aloneSecond.Image.Pixels.ToArray());
    }

    [SkippableFact]
    public async Task Luminance_only_output_has_the_content_chroma()
    {
        var options = RealOptions() with { OutputSize = 48, Iterations = 5, ColorPreservation = ColorPreservation.LuminanceOnly };
        var content = RgbImage.Load(Path.Combine(TestEnvironment.RequireImages(), "tubingen.jpg")).ResizeToFit(48);

        var result = await StyleTransfer.RunAsync(options);

        var resultPlanes = result.Image.ToTensorData();
        var contentPlanes = content.ToTensorData();
        YCbCr.FromRgb(resultPlanes, resultPlanes);
        YCbCr.FromRgb(contentPlanes, contentPlanes);
        var n = content.PixelCount;
        var chromaErrors = Enumerable.Range(n, 2 * n).Select(i => Math.Abs(resultPlanes[i] - contentPlanes[i])).ToArray();

        // Rounding to 8 bits moves chroma by well under 1/255; only pixels whose new luminance pushes
        // the colour out of gamut (clipped) may differ more.
        var within = chromaErrors.Count(e => e <= 1f / 255) / (double)chromaErrors.Length;
        Assert.True(within >= 0.98, $"{within:P1} of chroma values are within 1/255 of the content's");
        Assert.NotEqual(content.Pixels.ToArray(), result.Image.Pixels.ToArray());
    }

    [Fact]
    public void Missing_inputs_are_argument_errors_thrown_before_any_work()
    {
        var noContent = Assert.Throws<ArgumentException>(() => Start(new StyleTransferOptions { Styles = ["s.png"] }));
        Assert.Equal("Content", noContent.ParamName);
        var noStyle = Assert.Throws<ArgumentException>(() => Start(new StyleTransferOptions { Content = "c.png" }));
        Assert.Equal("Styles", noStyle.ParamName);
    }

    [Fact]
    public void Bad_option_values_name_the_option()
    {
        Assert.Equal("OutputSize", Assert.Throws<ArgumentOutOfRangeException>(() => new StyleTransferOptions { OutputSize = 8 }).ParamName);
        Assert.Equal("Iterations", Assert.Throws<ArgumentOutOfRangeException>(() => new StyleTransferOptions { Iterations = 0 }).ParamName);
        Assert.Equal("StyleWeight", Assert.Throws<ArgumentOutOfRangeException>(() => new StyleTransferOptions { StyleWeight = double.NaN }).ParamName);
        Assert.Equal("LearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new AdamSettings { LearningRate = -1 }).ParamName);
        Assert.Equal("SwitchToAdamAfter", Assert.Throws<ArgumentOutOfRangeException>(() => new LbfgsSettings { SwitchToAdamAfter = 0 }).ParamName);
        Assert.Equal("StyleLayers", Assert.Throws<ArgumentException>(() => new StyleTransferOptions { StyleLayers = [] }).ParamName);

        var unknownLayer = new StyleTransferOptions { Content = "c.png", Styles = ["s.png"], StyleLayers = [new("block9_conv1")] };
        var ex = Assert.Throws<ArgumentException>(() => Start(unknownLayer));
        Assert.Equal("StyleLayers", ex.ParamName);
        Assert.Contains("block9_conv1", ex.Message);

        var badOutput = new StyleTransferOptions { Content = "c.png", Styles = ["s.png"], OutputPath = "out.bmp" };
        Assert.Equal("OutputPath", Assert.Throws<ArgumentException>(() => Start(badOutput)).ParamName);
    }

    [Fact]
    public void Unset_weights_follow_the_statistic_and_normalisation_and_set_ones_stay_as_set()
    {
        // The weights bench --style-evidence tuned for each (bench/history.md).
        // The default is Gram with the style layers scaled (docs/defaults.md).
        Assert.Equal((StyleStatistic.Gram, LossNormalization.Style), (new StyleTransferOptions().StyleStatistic, new StyleTransferOptions().LossNormalization));
        Assert.Equal((1e4, 559), Weights(new StyleTransferOptions()));
        Assert.Equal((1e4, 1e-2), Weights(new StyleTransferOptions { LossNormalization = LossNormalization.None }));
        Assert.Equal((1e4, 593), Weights(new StyleTransferOptions { StyleStatistic = StyleStatistic.Wasserstein, LossNormalization = LossNormalization.None }));
        Assert.Equal((1e4, 2.11e5), Weights(new StyleTransferOptions { StyleStatistic = StyleStatistic.Wasserstein }));
        Assert.Equal((1e4, 2.85e5), Weights(new StyleTransferOptions { LossNormalization = LossNormalization.Style, StyleStatistic = StyleStatistic.SlicedWasserstein }));
        Assert.Equal((1.29e5, 179), Weights(new StyleTransferOptions { LossNormalization = LossNormalization.All }));
        Assert.Equal((1e4, 2.11e5), Weights(new StyleTransferOptions() with { StyleStatistic = StyleStatistic.Wasserstein }));

        // A weight that is set wins, before or after the statistic, and through `with`.
        Assert.Equal((2, 3), Weights(new StyleTransferOptions { ContentWeight = 2, StyleWeight = 3, LossNormalization = LossNormalization.All }));
        Assert.Equal((1e4, 3), Weights(new StyleTransferOptions { StyleStatistic = StyleStatistic.Wasserstein, StyleWeight = 3 }));
        Assert.Equal((1e4, 3), Weights(new StyleTransferOptions { StyleWeight = 3 } with { StyleStatistic = StyleStatistic.SlicedWasserstein }));

        static (double, double) Weights(StyleTransferOptions options) => (options.ContentWeight, options.StyleWeight);
    }

    [Fact]
    public async Task Missing_content_file_is_a_load_error_naming_it()
    {
        var path = Path.Combine(_folder, "missing.jpg");

        var ex = await Assert.ThrowsAsync<ImageLoadException>(() => StyleTransfer.RunAsync(new StyleTransferOptions { Content = path, Styles = [path] }));

        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public async Task An_output_folder_that_does_not_exist_is_refused_before_any_work()
    {
        var output = Path.Combine(_folder, "no-such-folder", "out.png");

        // The inputs do not exist either: the output is checked first, so no time is spent before the error.
        var ex = await Assert.ThrowsAsync<ImageSaveException>(() => StyleTransfer.RunAsync(new StyleTransferOptions { Content = "missing.jpg", Styles = ["missing.jpg"], OutputPath = output }));

        Assert.Contains("does not exist", ex.Message);
        Assert.False(Directory.Exists(Path.GetDirectoryName(output)));
    }

    [SkippableFact]
    public async Task Diverging_run_throws_and_writes_no_image()
    {
        var output = Path.Combine(_folder, "diverged.png");
        var options = RealOptions() with { OutputSize = 32, Iterations = 5, ContentWeight = 1e300, OutputPath = output };

        var ex = await Assert.ThrowsAsync<DivergenceException>(() => StyleTransfer.RunAsync(options));

        Assert.Equal("total", ex.Term);
        Assert.False(File.Exists(output));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Starts a run and drops the task: a synchronous throw (argument validation) surfaces here.</summary>
    private static void Start(StyleTransferOptions options) => _ = StyleTransfer.RunAsync(options);

    private static RgbImage Grey(int width, int height) => new(width, height, Enumerable.Repeat((byte)128, width * height * 3).ToArray());

    private static StyleTransferOptions RealOptions()
    {
        var images = TestEnvironment.RequireImagesAndWeights();
        return new StyleTransferOptions
        {
            Content = Path.Combine(images, "tubingen.jpg"),
            Styles = [Path.Combine(images, "starry_night.jpg")],
            OutputSize = 128,
            Iterations = 40,
        };
    }

    /// <summary>The content loss (at the content layer, against the photo) of a flat grey image and of the artwork itself.</summary>
    private static (double Grey, double Artwork) ReferenceContentLosses(StyleTransferOptions options)
    {
        var images = TestEnvironment.RequireImages();
        var content = RgbImage.Load(Path.Combine(images, "tubingen.jpg")).ResizeToFit(options.OutputSize);
        var artwork = RgbImage.Load(Path.Combine(images, "starry_night.jpg")).Resize(content.Width, content.Height);
        var extractor = SharedExtractor.Get();
        var layer = options.ContentLayers[0].Layer;
        using var scope = NewDisposeScope();
        var contentTensor = ImageTensors.ToTensor(content);
        var target = extractor.Extract(contentTensor, [layer])[layer];
        double Loss(Tensor image) => LossFunctions.ContentLoss(extractor.Extract(image, [layer])[layer], target).item<float>();
        return (Loss(full_like(contentTensor, 0.5f)), Loss(ImageTensors.ToTensor(artwork)));
    }
}
