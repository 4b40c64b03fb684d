using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NeuralStyle.Imaging;

namespace NeuralStyle;

/// <summary>
/// A loaded VGG19 network for one device, shared by any number of style transfer runs: load it once,
/// run many times, from any thread. The weights are read once per number format and pooling and
/// shared read-only by every run; at most <see cref="StyleTransferEngineOptions.MaxConcurrentRuns"/>
/// runs compute at once, the others wait for a slot in the order they asked.
/// </summary>
/// <example>
/// <code>
/// await using var engine = new StyleTransferEngine(new StyleTransferEngineOptions { MaxConcurrentRuns = 2 }, logger);
/// var result = await engine.RunAsync(new StyleTransferOptions { Content = "photo.jpg", Styles = ["art.jpg"] });
/// await foreach (var update in engine.RunStreamingAsync(options, previewInterval: 10))
/// {
///     if (update.Preview is { } preview) { await preview.SaveAsync(stream, ImageFormat.Png); }
/// }
/// </code>
/// </example>
/// <remarks>
/// Thread-safe. Disposing waits for the runs in flight to end (cancel them first to end them sooner),
/// then releases the networks; runs asked for after that throw <see cref="ObjectDisposedException"/>.
/// The engine changes nothing process-wide (see <see cref="ProcessTuning"/>).
/// </remarks>
public sealed class StyleTransferEngine : IDisposable, IAsyncDisposable
{
    /// <summary>How many updates a streaming run keeps for a consumer that has not read them; older ones are dropped.</summary>
    internal const int StreamBuffer = 4;

    private readonly NetworkCache _networks;
    private readonly RunTracker _runs = new();
    private readonly RunPipeline _pipeline;

    /// <summary>Creates an engine. Nothing is loaded until the first run (or <see cref="LoadAsync"/>).</summary>
    /// <param name="options">Where the weights are and how many runs compute at once; the defaults when null.</param>
    /// <param name="logger">Receives the engine's log messages; none when null.</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public StyleTransferEngine(StyleTransferEngineOptions? options = null, ILogger<StyleTransferEngine>? logger = null)
    {
        options ??= new StyleTransferEngineOptions();
        options.Validate();
        Options = options;
        var log = logger ?? (ILogger)NullLogger.Instance;
        _networks = new NetworkCache(options, log);
        _pipeline = new RunPipeline(_networks, options.Device, options.MaxConcurrentRuns, log);
    }

    /// <summary>The engine's options.</summary>
    public StyleTransferEngineOptions Options { get; }

    /// <summary>How many runs are computing now (holding a slot).</summary>
    public int RunningCount => _pipeline.RunningCount;

    /// <summary>
    /// Loads the network for <paramref name="precision"/> and <paramref name="pooling"/> now, rather
    /// than at the first run that needs it (a service calls this at start-up).
    /// </summary>
    /// <exception cref="WeightsException">The weights cannot be found, downloaded or read.</exception>
    /// <exception cref="NativeBackendException">libtorch cannot be loaded, or the device is not available.</exception>
    public async Task LoadAsync(ComputePrecision precision = ComputePrecision.Float32, Pooling pooling = Pooling.Max, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_runs.IsClosed, this);
        Guard.MustBeDefined(precision);
        Guard.MustBeDefined(pooling);
        _ = await _networks.GetAsync(precision, pooling, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs style transfer on the engine's network; see <see cref="StyleTransfer.RunAsync(StyleTransferOptions, IProgress{StyleTransferProgress}?, CancellationToken)"/>.</summary>
    /// <param name="options">What to do; validated before any work. It runs on the engine's device and weights.</param>
    /// <param name="progress">Receives the loss terms, timing and ETA after every iteration.</param>
    /// <param name="cancellationToken">Stops the run within one iteration (or its wait for a slot); nothing is written.</param>
    /// <returns>The stylised image, the losses, the seed and timings.</returns>
    /// <exception cref="ArgumentException">An option is missing or invalid.</exception>
    /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
    public Task<StyleTransferResult> RunAsync(StyleTransferOptions options, IProgress<StyleTransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        CheckRun(options);
        return _runs.Start(() => _pipeline.RunAsync(options, progress, null, cancellationToken));
    }

    /// <summary>
    /// Runs style transfer with terms beyond content, style and total variation in every scale's
    /// objective (a video frame's temporal term). Not for checkpointed runs: the terms are not part
    /// of a checkpoint's fingerprint.
    /// </summary>
    /// <exception cref="ArgumentException">An option is missing or invalid, or the options ask for checkpoints.</exception>
    internal Task<StyleTransferResult> RunWithTermsAsync(StyleTransferOptions options, IAdditionalTerms additionalTerms, IProgress<StyleTransferProgress>? progress, CancellationToken cancellationToken)
    {
        CheckRun(options);
        Guard.NotNull(additionalTerms);
        if (options.CheckpointPath is not null || options.ResumeFrom is not null)
        {
            Guard.ThrowArgument("A run with additional loss terms cannot be checkpointed or resumed: its fingerprint would not record them.", nameof(options));
        }

        return _runs.Start(() => _pipeline.RunAsync(options, progress, null, cancellationToken, additionalTerms));
    }

    /// <summary>
    /// Runs style transfer and streams its progress: one update per iteration, with a preview image
    /// every <paramref name="previewInterval"/> iterations, and a final update that carries the result.
    /// A slow consumer never holds the run up: while it has not read them, only the latest few
    /// updates are kept (older ones are dropped, the final one never is). Breaking out of the loop
    /// cancels the run; nothing is written then.
    /// </summary>
    /// <param name="options">What to do, as for <see cref="RunAsync"/>.</param>
    /// <param name="previewInterval">Attach a preview every this many iterations, counted over all scales; 0 for none.</param>
    /// <param name="cancellationToken">Cancels the run; the enumeration then throws <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="ArgumentException">An option is missing or invalid, or the interval is negative.</exception>
    /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
    public IAsyncEnumerable<StyleTransferUpdate> RunStreamingAsync(StyleTransferOptions options, int previewInterval = 10, CancellationToken cancellationToken = default)
    {
        CheckRun(options);
        Guard.MustBeBetween(previewInterval, 0, int.MaxValue);
        return StreamAsync(options, previewInterval, cancellationToken);
    }

    /// <summary>
    /// Trains a feed-forward network to paint in one style (Johnson et al.'s network, with this
    /// library's losses measured on the engine's VGG19), on random crops of the photos, and exports it
    /// as an ONNX model that NeuralStyle.FastStyles applies to any photo in one pass. Reports every
    /// step; with a checkpoint folder, a run that was interrupted resumes where it stopped.
    /// </summary>
    /// <param name="options">What to train; validated before any work.</param>
    /// <param name="progress">Receives every step's losses, timing and ETA, and the previews.</param>
    /// <param name="cancellationToken">Stops the training between steps (the last checkpoint stays); nothing is written.</param>
    /// <returns>The model's bytes, where it was written, the last losses and the photos skipped.</returns>
    /// <exception cref="ArgumentException">An option is invalid, no photo can be used, or the output cannot be written (all before any training).</exception>
    /// <exception cref="ImageLoadException">The style or a preview photo cannot be loaded.</exception>
    /// <exception cref="CheckpointException">The checkpoint folder holds another run's state.</exception>
    /// <exception cref="DivergenceException">A loss became NaN or infinite; lower the learning rate.</exception>
    /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
    public Task<StyleTrainingResult> TrainStyleAsync(StyleTrainingOptions options, IProgress<StyleTrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_runs.IsClosed, this);
        Guard.NotNull(options);
        options.Validate();
        return _runs.Start(() => StyleTrainingRun.RunAsync(_networks, options, progress, cancellationToken));
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_runs.IsClosed)
        {
            return;
        }

        await _runs.CloseAsync().ConfigureAwait(false);
        _networks.Dispose();
        _pipeline.Dispose();
    }

    private void CheckRun(StyleTransferOptions options)
    {
        Guard.NotNull(options);
        ObjectDisposedException.ThrowIf(_runs.IsClosed, this);
        options.Validate();
    }

    private async IAsyncEnumerable<StyleTransferUpdate> StreamAsync(StyleTransferOptions options, int previewInterval, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<StyleTransferUpdate>(new BoundedChannelOptions(StreamBuffer)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = true,
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        void Observe(StyleTransferProgress progress, ScaleOptimizer optimizer)
        {
            var preview = previewInterval > 0 && progress.Iteration % previewInterval == 0 ? optimizer.ToRgbImage() : null;
            channel.Writer.TryWrite(new StyleTransferUpdate(progress, preview, null));
        }

        var run = _runs.Start(() => _pipeline.RunAsync(options, null, Observe, stop.Token));
        _ = run.ContinueWith(_ => channel.Writer.TryComplete(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            await foreach (var update in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }

            var result = await run.ConfigureAwait(false);
            yield return new StyleTransferUpdate(LastProgress(result), null, result);
        }
        finally
        {
            // Reached by the end of the run, and by a consumer that stops early (breaking out of
            // the loop disposes the enumerator): the run is stopped and awaited, so it ends here.
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await run.ConfigureAwait(false);
            }
            catch (Exception) when (run.IsCanceled || run.IsFaulted)
            {
                // Its outcome was reported above, or nobody is listening any more.
            }
        }
    }

    private static StyleTransferProgress LastProgress(StyleTransferResult result) =>
        new(result.LossHistory.Count, result.LossHistory.Count, result.FinalLosses, result.OptimizationTime, TimeSpan.Zero)
        {
            Width = result.Image.Width,
            Height = result.Image.Height,
        };
}
