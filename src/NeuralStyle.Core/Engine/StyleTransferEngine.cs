using System.Diagnostics;
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

    private readonly ILogger _logger;
    private readonly SemaphoreSlim _slots;
    private readonly object _gate = new();
    private readonly Dictionary<(ComputePrecision Precision, Pooling Pooling), Task<Vgg19FeatureExtractor>> _networks = new();
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HashSet<Task> _runs = [];
    private Task<string>? _weightsPath;
    private int _running;
    private int _inFlight;
    private bool _disposed;

    /// <summary>Creates an engine. Nothing is loaded until the first run (or <see cref="LoadAsync"/>).</summary>
    /// <param name="options">Where the weights are and how many runs compute at once; the defaults when null.</param>
    /// <param name="logger">Receives the engine's log messages; none when null.</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public StyleTransferEngine(StyleTransferEngineOptions? options = null, ILogger<StyleTransferEngine>? logger = null)
    {
        options ??= new StyleTransferEngineOptions();
        options.Validate();
        Options = options;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _slots = new SemaphoreSlim(options.MaxConcurrentRuns, options.MaxConcurrentRuns);
    }

    /// <summary>The engine's options.</summary>
    public StyleTransferEngineOptions Options { get; }

    /// <summary>How many runs are computing now (holding a slot).</summary>
    public int RunningCount => Volatile.Read(ref _running);

    /// <summary>
    /// Loads the network for <paramref name="precision"/> and <paramref name="pooling"/> now, rather
    /// than at the first run that needs it (a service calls this at start-up).
    /// </summary>
    /// <exception cref="WeightsException">The weights cannot be found, downloaded or read.</exception>
    /// <exception cref="NativeBackendException">libtorch cannot be loaded, or the device is not available.</exception>
    public async Task LoadAsync(ComputePrecision precision = ComputePrecision.Float32, Pooling pooling = Pooling.Max, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Guard.MustBeDefined(precision);
        Guard.MustBeDefined(pooling);
        _ = await NetworkAsync(precision, pooling, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs style transfer on the engine's network; see <see cref="StyleTransfer.RunAsync(StyleTransferOptions, IProgress{StyleTransferProgress}?, CancellationToken)"/>.</summary>
    /// <param name="options">
    /// What to do; validated before any work. Its <see cref="StyleTransferOptions.Device"/> must be the
    /// engine's, and its weights settings must be left unset (the engine's are used).
    /// </param>
    /// <param name="progress">Receives the loss terms, timing and ETA after every iteration.</param>
    /// <param name="cancellationToken">Stops the run within one iteration (or its wait for a slot); nothing is written.</param>
    /// <returns>The stylised image, the losses, the seed and timings.</returns>
    /// <exception cref="ArgumentException">An option is missing, invalid, or in conflict with the engine's.</exception>
    /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
    public Task<StyleTransferResult> RunAsync(StyleTransferOptions options, IProgress<StyleTransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        CheckRun(options);
        return Track(RunCoreAsync(options, progress, null, cancellationToken));
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
    /// <exception cref="ArgumentException">An option is missing, invalid, or in conflict with the engine's, or the interval is negative.</exception>
    /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
    public IAsyncEnumerable<StyleTransferUpdate> RunStreamingAsync(StyleTransferOptions options, int previewInterval = 10, CancellationToken cancellationToken = default)
    {
        CheckRun(options);
        Guard.MustBeBetween(previewInterval, 0, int.MaxValue);
        return StreamAsync(options, previewInterval, cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_inFlight == 0)
            {
                _idle.TrySetResult();
            }
        }

        await _idle.Task.ConfigureAwait(false);

        // Every run has left its body; wait for their tasks to complete too, so that a caller who
        // awaited DisposeAsync finds them finished.
        Task[] runs;
        lock (_gate)
        {
            runs = [.. _runs];
        }

        await Task.WhenAll(runs.Select(r => r.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default))).ConfigureAwait(false);
        foreach (var network in _networks.Values.Where(n => n.IsCompletedSuccessfully))
        {
            network.Result.Dispose();
        }

        _slots.Dispose();
    }

    private void CheckRun(StyleTransferOptions options)
    {
        Guard.NotNull(options);
        ObjectDisposedException.ThrowIf(_disposed, this);
        options.Validate();
        if (options.Device != Options.Device)
        {
            Guard.ThrowArgument(
                $"This engine computes on {Options.Device}, but the run asks for {options.Device}; use an engine for that device.", nameof(options.Device));
        }

        if (options.WeightsPath is not null && options.WeightsPath != Options.WeightsPath)
        {
            Guard.ThrowArgument(
                "A run on an engine uses the engine's weights: leave WeightsPath unset (set StyleTransferEngineOptions.WeightsPath instead).", nameof(options.WeightsPath));
        }

        if (options.WeightsDownloadProgress is not null)
        {
            Guard.ThrowArgument(
                "A run on an engine uses the engine's weights: leave WeightsDownloadProgress unset (set it on StyleTransferEngineOptions instead).", nameof(options.WeightsDownloadProgress));
        }
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
        void Observe(StyleTransferProgress progress, IScaleOptimizer optimizer)
        {
            var preview = previewInterval > 0 && progress.Iteration % previewInterval == 0 ? optimizer.ToRgbImage() : null;
            channel.Writer.TryWrite(new StyleTransferUpdate(progress, preview, null));
        }

        var run = Track(RunCoreAsync(options, null, Observe, stop.Token));
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

    private async Task<StyleTransferResult> RunCoreAsync(
        StyleTransferOptions options,
        IProgress<StyleTransferProgress>? progress,
        Action<StyleTransferProgress, IScaleOptimizer>? observe,
        CancellationToken cancellationToken)
    {
        EnterRun();
        var holdsSlot = false;
        try
        {
            var preparation = Stopwatch.StartNew();
            InputPreparation.CheckOutputPath(options);
            Checkpoints.CheckFolder(options.CheckpointPath);
            cancellationToken.ThrowIfCancellationRequested();
            var inputs = await RunInputs.LoadAsync(options, cancellationToken).ConfigureAwait(false);
            var plan = MemoryGuard.Check(options, inputs.Content.Width, inputs.Content.Height);
            var fingerprint = options.CheckpointPath is null && options.ResumeFrom is null ? null : RunFingerprint.Compute(options, inputs);
            using var resume = options.ResumeFrom is null ? null : Checkpoints.Open(options.ResumeFrom, fingerprint!);
            if (resume is not null)
            {
                inputs = inputs with { Seed = resume.Seed };
            }

            if (_slots.CurrentCount == 0)
            {
                EngineLog.Waiting(_logger, RunningCount, Options.MaxConcurrentRuns);
            }

            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            holdsSlot = true;
            Interlocked.Increment(ref _running);
            var network = await NetworkAsync(options.Precision, options.Pooling, cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();

            // For a bfloat16 scale that finishes in float32: loaded on the run's own thread when first needed, then kept like any network.
            IFeatureExtractor Float32Network() => NetworkAsync(ComputePrecision.Float32, options.Pooling, cancellationToken).GetAwaiter().GetResult();
            EngineLog.RunStarted(_logger, options.Content!.Description, options.Styles.Count, options.OutputSize, inputs.Seed);
            var outcome = await Task.Factory.StartNew(
                () => new CoarseToFineRun(options, inputs, progress, Observer(observe), resume, fingerprint, plan.Scales, Float32Network, _logger, cancellationToken).Run(network),
                cancellationToken,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default).ConfigureAwait(false);

            var image = InputPreparation.Result(outcome.Image, inputs.Content, options);
            if (options.OutputPath is not null)
            {
                var saveOptions = new ImageSaveOptions { Overwrite = options.OverwriteOutput, Quality = options.OutputQuality };
                await image.SaveAsync(options.OutputPath, saveOptions, cancellationToken).ConfigureAwait(false);
            }

            EngineLog.RunFinished(_logger, image.Width, image.Height, outcome.History.Count, outcome.Elapsed.TotalSeconds, outcome.FinalLosses.Total, inputs.Seed);
            return new StyleTransferResult(
                image, outcome.History, outcome.FinalLosses, inputs.Seed, preparation.Elapsed - outcome.Elapsed, outcome.Elapsed, options.OutputPath);
        }
        finally
        {
            if (holdsSlot)
            {
                Interlocked.Decrement(ref _running);
                _slots.Release();
            }

            LeaveRun();
        }
    }

    /// <summary>The per-iteration hook: trace and scale-end logging, then the caller's observer.</summary>
    private Action<StyleTransferProgress, IScaleOptimizer>? Observer(Action<StyleTransferProgress, IScaleOptimizer>? observe)
    {
        if (!_logger.IsEnabled(LogLevel.Debug))
        {
            return observe;
        }

        StyleTransferProgress? previous = null;
        return (progress, optimizer) =>
        {
            EngineLog.Iteration(_logger, progress.Iteration, progress.TotalIterations, progress.Losses.Total);
            if (previous is not null && progress.Scale != previous.Scale)
            {
                EngineLog.ScaleFinished(_logger, previous.Scale, previous.ScaleCount, previous.Width, previous.Height, previous.Iteration, previous.Losses.Total);
            }

            if (progress.Iteration == progress.TotalIterations)
            {
                EngineLog.ScaleFinished(_logger, progress.Scale, progress.ScaleCount, progress.Width, progress.Height, progress.Iteration, progress.Losses.Total);
            }

            previous = progress;
            observe?.Invoke(progress, optimizer);
        };
    }

    /// <summary>Keeps <paramref name="run"/> among the runs <see cref="DisposeAsync"/> waits for, until it completes.</summary>
    private Task<StyleTransferResult> Track(Task<StyleTransferResult> run)
    {
        lock (_gate)
        {
            _runs.Add(run);
        }

        _ = run.ContinueWith(
            finished =>
            {
                lock (_gate)
                {
                    _runs.Remove(finished);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return run;
    }

    private void EnterRun()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _inFlight++;
        }
    }

    private void LeaveRun()
    {
        lock (_gate)
        {
            if (--_inFlight == 0 && _disposed)
            {
                _idle.TrySetResult();
            }
        }
    }

    /// <summary>The network for a number format and pooling, loaded on first use and kept; a failed load is not kept, so a later run tries again.</summary>
    private Task<Vgg19FeatureExtractor> NetworkAsync(ComputePrecision precision, Pooling pooling, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_networks.TryGetValue((precision, pooling), out var network) || network.IsFaulted || network.IsCanceled)
            {
                network = LoadNetworkAsync(precision, pooling);
                _networks[(precision, pooling)] = network;
            }

            return network.WaitAsync(cancellationToken);
        }
    }

    private async Task<Vgg19FeatureExtractor> LoadNetworkAsync(ComputePrecision precision, Pooling pooling)
    {
        var weightsPath = await WeightsPathAsync().ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        var network = await Task.Run(() => Vgg19FeatureExtractor.FromFile(weightsPath, Options.Device, null, pooling, precision)).ConfigureAwait(false);
        EngineLog.NetworkLoaded(_logger, precision, pooling, Options.Device, weightsPath, clock.ElapsedMilliseconds);
        if (precision == ComputePrecision.BFloat16 && ComputeSupport.BFloat16(Options.Device) == BFloat16Support.Emulated)
        {
            EngineLog.BFloat16Emulated(_logger);
        }

        return network;
    }

    private Task<string> WeightsPathAsync()
    {
        lock (_gate)
        {
            if (_weightsPath is null || _weightsPath.IsFaulted || _weightsPath.IsCanceled)
            {
                _weightsPath = WeightsLocator.ResolveAsync(Options.WeightsPath, Options.WeightsDownloadProgress, CancellationToken.None);
            }

            return _weightsPath;
        }
    }
}
