using System.Diagnostics;
using NeuralStyle.Imaging;

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
/// with its own network copy), sharing only libtorch's process-wide thread pool. A run changes
/// nothing process-wide; <see cref="ProcessTuning"/> holds the process-wide settings an app may opt into.
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
    /// <exception cref="ComputeMemoryException">libtorch could not allocate the memory the run needs; nothing is written.</exception>
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

        var inputs = await LoadInputsAsync(options, cancellationToken).ConfigureAwait(false);
        var weightsPath = await WeightsLocator.ResolveAsync(options.WeightsPath, options.WeightsDownloadProgress, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();

        var outcome = await Task.Factory.StartNew(
            () => new CoarseToFineRun(options, inputs, progress, cancellationToken).Run(weightsPath),
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).ConfigureAwait(false);

        var result = InputPreparation.Result(outcome.Image, inputs.Content, options);
        if (options.OutputPath is not null)
        {
            var saveOptions = new ImageSaveOptions { Overwrite = options.OverwriteOutput, Quality = options.OutputQuality };
            await result.SaveAsync(options.OutputPath, saveOptions, cancellationToken).ConfigureAwait(false);
        }

        return new StyleTransferResult(result, outcome.History, outcome.FinalLosses, inputs.Seed, preparation.Elapsed - outcome.Elapsed, outcome.Elapsed, options.OutputPath);
    }

    /// <summary>Decodes and prepares the images (checking that the content is large enough for the network), and fixes the seed.</summary>
    private static async Task<RunInputs> LoadInputsAsync(StyleTransferOptions options, CancellationToken cancellationToken)
    {
        var decoded = await options.Content!.LoadAsync(cancellationToken).ConfigureAwait(false);
        var content = InputPreparation.Content(decoded, options);
        InputPreparation.RequireLargeEnough(decoded, content, options);
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
        return new RunInputs(content, styles, initial, options.Seed ?? Random.Shared.Next());
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
}
