using System.Diagnostics;
using NeuralStyle.Imaging;
using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>
/// The one-call API: repaint a content photo in the style of an artwork (Gatys et al., "A Neural
/// Algorithm of Artistic Style").
/// </summary>
/// <example>
/// <code>
/// var result = await StyleTransfer.RunAsync(new StyleTransferOptions
/// {
///     Content = "photo.jpg",
///     Styles = ["starry_night.jpg"],
///     OutputPath = "out.png",
/// });
/// </code>
/// </example>
/// <remarks>
/// Calls are independent: several may run at once from different threads (each on its own thread,
/// with its own network copy), sharing only libtorch's process-wide thread pool.
/// </remarks>
public static class StyleTransfer
{
    /// <summary>
    /// Runs style transfer. Images and weights are loaded asynchronously; the optimisation runs on a
    /// dedicated thread, reports progress after every iteration, and checks the token before each one.
    /// </summary>
    /// <param name="options">What to do; validated before any work starts.</param>
    /// <param name="progress">Receives the loss terms, timing and ETA after every iteration.</param>
    /// <param name="cancellationToken">Stops the run within one iteration; the task then ends cancelled and nothing is written.</param>
    /// <returns>The stylised image, the final and per-iteration losses, and timings.</returns>
    /// <exception cref="ArgumentException">An option is missing or invalid (thrown before any work).</exception>
    /// <exception cref="ImageLoadException">An input image cannot be loaded.</exception>
    /// <exception cref="ImageSaveException">The output file exists and <see cref="StyleTransferOptions.OverwriteOutput"/> is false, its folder is missing, or the write failed.</exception>
    /// <exception cref="WeightsException">The VGG19 weights cannot be found, downloaded or read.</exception>
    /// <exception cref="NativeBackendException">libtorch cannot be loaded, or CUDA was asked for and is absent.</exception>
    /// <exception cref="DivergenceException">A loss became NaN or infinite; no image is produced.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static Task<StyleTransferResult> RunAsync(
        StyleTransferOptions options,
        IProgress<StyleTransferProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        Guard.NotNull(options);
        options.Validate();
        return RunValidatedAsync(options, progress, cancellationToken);
    }

    /// <summary>Stylises <paramref name="contentPath"/> with <paramref name="stylePath"/> using the defaults and writes <paramref name="outputPath"/> (not replacing an existing file).</summary>
    /// <inheritdoc cref="RunAsync(StyleTransferOptions, IProgress{StyleTransferProgress}?, CancellationToken)"/>
    public static Task<StyleTransferResult> RunAsync(string contentPath, string stylePath, string outputPath, CancellationToken cancellationToken = default)
    {
        Guard.NotNullOrWhiteSpace(contentPath);
        Guard.NotNullOrWhiteSpace(stylePath);
        Guard.NotNullOrWhiteSpace(outputPath);
        return RunAsync(new StyleTransferOptions { Content = contentPath, Styles = [stylePath], OutputPath = outputPath }, null, cancellationToken);
    }

    private static async Task<StyleTransferResult> RunValidatedAsync(StyleTransferOptions options, IProgress<StyleTransferProgress>? progress, CancellationToken cancellationToken)
    {
        var preparation = Stopwatch.StartNew();
        CheckOutputPath(options);
        cancellationToken.ThrowIfCancellationRequested();

        var content = InputPreparation.Content(await options.Content!.LoadAsync(cancellationToken).ConfigureAwait(false), options);
        var styles = new List<PreparedStyle>(options.Styles.Count);
        for (var i = 0; i < options.Styles.Count; i++)
        {
            var style = options.Styles[i];
            var image = InputPreparation.Style(await style.Image.LoadAsync(cancellationToken).ConfigureAwait(false), content, options);
            var mask = style.Mask is null ? null : await style.Mask.LoadAsync(cancellationToken).ConfigureAwait(false);
            if (mask is not null)
            {
                InputPreparation.RequireNonEmptyMask(mask, i);
            }

            styles.Add(new PreparedStyle(image, style.Weight, mask));
        }

        var initial = options.Initialization.Kind == InitialImageKind.Image
            ? await options.Initialization.Image!.LoadAsync(cancellationToken).ConfigureAwait(false)
            : null;
        var weightsPath = await WeightsLocator.ResolveAsync(options.WeightsPath, options.WeightsDownloadProgress, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();

        var (optimized, history, optimizationTime) = await Task.Factory.StartNew(
            () => Optimize(options, weightsPath, content, styles, initial, progress, cancellationToken),
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).ConfigureAwait(false);

        var result = InputPreparation.Result(optimized, content, options);
        if (options.OutputPath is not null)
        {
            var saveOptions = new ImageSaveOptions { Overwrite = options.OverwriteOutput, Quality = options.OutputQuality };
            await result.SaveAsync(options.OutputPath, saveOptions, cancellationToken).ConfigureAwait(false);
        }

        return new StyleTransferResult(result, history, preparation.Elapsed - optimizationTime, optimizationTime, options.OutputPath);
    }

    /// <summary>
    /// The tensor work, all on one thread (dispose scopes and no_grad are per thread): each scale of
    /// the schedule in turn, each starting from the upscaled result of the one before.
    /// </summary>
    private static (RgbImage Image, IReadOnlyList<LossTerms> History, TimeSpan Elapsed) Optimize(
        StyleTransferOptions options,
        string weightsPath,
        RgbImage content,
        IReadOnlyList<PreparedStyle> styles,
        RgbImage? initialImage,
        IProgress<StyleTransferProgress>? progress,
        CancellationToken cancellationToken)
    {
        if (options.Threads is { } threads)
        {
            TorchRuntime.EnsureLoaded();
            set_num_threads(threads);
        }

        var deepest = options.AllLayers.MaxBy(Vgg19Architecture.IndexOf)!;
        using var extractor = Vgg19FeatureExtractor.FromFile(weightsPath, options.Device, deepest, options.Pooling, options.Precision);
        var schedule = ScaleSchedule.For(
            options,
            (double)Math.Min(content.Width, content.Height) / Math.Max(content.Width, content.Height),
            Vgg19Architecture.MinimumSide(deepest));
        var clock = Stopwatch.StartNew();
        var pace = new RunPace(schedule, content);
        var history = new List<LossTerms>(schedule.TotalIterations);
        StyleOptimizer? previous = null;
        Tensor? previousImage = null;
        try
        {
            for (var k = 0; k < schedule.Scales.Count; k++)
            {
                var scale = schedule.Scales[k];
                var scaleContent = InputPreparation.ContentAt(content, scale.Size);
                StyleOptimizer optimizer;
                using (var scope = NewDisposeScope())
                {
                    var contentTensor = ImageTensors.ToTensor(scaleContent, extractor.Device);
                    var styleTensors = styles.Select(s => new StyleTensor(
                        ImageTensors.ToTensor(InputPreparation.StyleAt(s.Image, scale.Size, options), extractor.Device),
                        s.Weight,
                        s.Mask is null ? null : tensor(InputPreparation.MaskAt(s.Mask, scaleContent.Width, scaleContent.Height), [1, 1, scaleContent.Height, scaleContent.Width]).to(extractor.Device))).ToArray();
                    var start = previousImage is null
                        ? InitialTensor(options, contentTensor, initialImage, extractor.Device)
                        : Upscale(previousImage, contentTensor);
                    cancellationToken.ThrowIfCancellationRequested();
                    optimizer = new StyleOptimizer(extractor, contentTensor, styleTensors, start, options);
                }

                if (previous is not null)
                {
                    optimizer.ContinueFrom(previous);
                    previous.Dispose();
                }

                previous = optimizer;
                for (var i = 1; i <= scale.Iterations; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var terms = optimizer.Step();
                    history.Add(terms);
                    pace.Done(k);
                    progress?.Report(new StyleTransferProgress(history.Count, schedule.TotalIterations, terms, clock.Elapsed, pace.Remaining(clock.Elapsed))
                    {
                        Scale = k + 1,
                        ScaleCount = schedule.Scales.Count,
                        Width = scaleContent.Width,
                        Height = scaleContent.Height,
                    });
                    if (options.IntermediateImage is { } callback && options.IntermediateImageInterval > 0 && history.Count % options.IntermediateImageInterval == 0)
                    {
                        callback(history.Count, optimizer.ToRgbImage());
                    }
                }

                previousImage?.Dispose();
                previousImage = optimizer.CopyImage();
            }

            cancellationToken.ThrowIfCancellationRequested();
            return (ImageTensors.ToRgbImage(previousImage!), history, clock.Elapsed);
        }
        finally
        {
            previous?.Dispose();
            previousImage?.Dispose();
            NativeAllocator.ReleaseFreeMemory();
        }
    }

    /// <summary>The previous scale's result resized (bicubic) to the next scale's size, clamped to [0, 1].</summary>
    private static Tensor Upscale(Tensor image, Tensor like) =>
        nn.functional.interpolate(image, [like.shape[2], like.shape[3]], mode: InterpolationMode.Bicubic, align_corners: false).clamp_(0, 1);

    private static Tensor InitialTensor(StyleTransferOptions options, Tensor content, RgbImage? initialImage, Device device)
    {
        switch (options.Initialization.Kind)
        {
            case InitialImageKind.Noise:
                var seed = options.Seed ?? Random.Shared.Next();
                using (var generator = new Generator((ulong)seed, device))
                {
                    return rand(content.shape, ScalarType.Float32, device, false, generator);
                }

            case InitialImageKind.Image:
                return ImageTensors.ToTensor(initialImage!.Resize((int)content.shape[3], (int)content.shape[2]), device);
            default:
                return content.clone();
        }
    }

    private static void CheckOutputPath(StyleTransferOptions options)
    {
        if (options.OutputPath is null)
        {
            return;
        }

        var full = Path.GetFullPath(options.OutputPath);
        var folder = Path.GetDirectoryName(full);
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new ImageSaveException(options.OutputPath, $"the folder '{folder}' does not exist; create it first");
        }

        if (!options.OverwriteOutput && File.Exists(full))
        {
            throw new ImageSaveException(options.OutputPath, $"a file already exists there; set {nameof(StyleTransferOptions.OverwriteOutput)} to replace it");
        }
    }

    private sealed record PreparedStyle(RgbImage Image, double Weight, RgbImage? Mask);
}
