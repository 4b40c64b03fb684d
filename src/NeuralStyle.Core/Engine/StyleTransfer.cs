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
/// Each call loads the network for itself and releases it at the end: calls are independent, and
/// several may run at once from different threads (each with its own network copy), sharing only
/// libtorch's process-wide thread pool. An app that makes many runs keeps one
/// <see cref="StyleTransferEngine"/> instead, which loads the network once. A run changes nothing
/// process-wide; <see cref="ProcessTuning"/> holds the process-wide settings an app may opt into.
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
    /// <exception cref="MemoryLimitException">The run is expected to need more memory than <see cref="StyleTransferOptions.MaxMemory"/> (or the machine) allows; refused before any work.</exception>
    /// <exception cref="ComputeMemoryException">libtorch could not allocate the memory the run needs; nothing is written.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static Task<StyleTransferResult> RunAsync(
        StyleTransferOptions options,
        IProgress<StyleTransferProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        RunAsync(options, new StyleTransferEngineOptions(), progress, cancellationToken);

    /// <summary>
    /// Runs style transfer with the network that <paramref name="engine"/> says where to find and on
    /// which device to run: the weights file, its download progress, the device. Otherwise as
    /// <see cref="RunAsync(StyleTransferOptions, IProgress{StyleTransferProgress}?, CancellationToken)"/>.
    /// </summary>
    /// <param name="options">What to do; validated before any work starts.</param>
    /// <param name="engine">Where the weights are, and the device.</param>
    /// <param name="progress">Receives the loss terms, timing and ETA after every iteration.</param>
    /// <param name="cancellationToken">Stops the run within one iteration; the task then ends cancelled and nothing is written.</param>
    /// <returns>The stylised image, the final and per-iteration losses, and timings.</returns>
    /// <exception cref="ArgumentException">An option is missing or invalid (thrown before any work).</exception>
    /// <exception cref="ImageLoadException">An input image cannot be loaded.</exception>
    /// <exception cref="ImageSaveException">The output file exists and <see cref="StyleTransferOptions.OverwriteOutput"/> is false, its folder is missing, or the write failed.</exception>
    /// <exception cref="WeightsException">The VGG19 weights cannot be found, downloaded or read.</exception>
    /// <exception cref="NativeBackendException">libtorch cannot be loaded, or CUDA was asked for and is absent.</exception>
    /// <exception cref="DivergenceException">A loss became NaN or infinite; no image is produced.</exception>
    /// <exception cref="MemoryLimitException">The run is expected to need more memory than <see cref="StyleTransferOptions.MaxMemory"/> (or the machine) allows; refused before any work.</exception>
    /// <exception cref="ComputeMemoryException">libtorch could not allocate the memory the run needs; nothing is written.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static Task<StyleTransferResult> RunAsync(
        StyleTransferOptions options,
        StyleTransferEngineOptions engine,
        IProgress<StyleTransferProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        Guard.NotNull(options);
        Guard.NotNull(engine);
        var runner = new StyleTransferEngine(engine);
        Task<StyleTransferResult> run;
        try
        {
            run = runner.RunAsync(options, progress, cancellationToken); // the options are checked here, before any work
        }
        catch
        {
            runner.Dispose();
            throw;
        }

        return ReleasedAfterAsync(runner, run);
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

    /// <summary>
    /// Plans a run without running it: decodes its images and checks them as the run does, and returns
    /// the run's scales, its expected peak memory and its expected time (see <see cref="RunPlan"/>).
    /// Nothing is loaded into a network, nothing written (a stream input is read to its end).
    /// </summary>
    /// <param name="options">The run to plan; validated as for <see cref="RunAsync(StyleTransferOptions, IProgress{StyleTransferProgress}?, CancellationToken)"/>.</param>
    /// <param name="cancellationToken">Cancels the images' loading.</param>
    /// <exception cref="ArgumentException">An option is missing or invalid.</exception>
    /// <exception cref="ImageLoadException">An image cannot be loaded.</exception>
    public static async Task<RunPlan> PlanAsync(StyleTransferOptions options, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(options);
        options.Validate();
        var inputs = await RunInputs.LoadAsync(options, cancellationToken).ConfigureAwait(false);
        return RunPlan.For(options, inputs);
    }

    /// <summary>The run's result, once the engine it ran on (and its network) is released.</summary>
    private static async Task<StyleTransferResult> ReleasedAfterAsync(StyleTransferEngine engine, Task<StyleTransferResult> run)
    {
        await using (engine.ConfigureAwait(false))
        {
            return await run.ConfigureAwait(false);
        }
    }
}
