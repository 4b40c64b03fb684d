using System.Diagnostics;
using Microsoft.Extensions.Logging;
using NeuralStyle.Imaging;

namespace NeuralStyle;

/// <summary>
/// One run on an engine, in three steps: prepare (check the destinations, decode the inputs, plan
/// the scales and check their memory, open the checkpoint to resume), optimise (wait for a compute
/// slot, get the network, run the scales on a thread of their own) and finish (colour
/// post-processing, the atomic write, the result).
/// </summary>
internal sealed class RunPipeline : IDisposable
{
    private readonly NetworkCache _networks;
    private readonly ComputeDevice _device;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _slots;
    private readonly int _maxConcurrentRuns;
    private int _running;

    public RunPipeline(NetworkCache networks, ComputeDevice device, int maxConcurrentRuns, ILogger logger)
    {
        _networks = networks;
        _device = device;
        _logger = logger;
        _maxConcurrentRuns = maxConcurrentRuns;
        _slots = new SemaphoreSlim(maxConcurrentRuns, maxConcurrentRuns);
    }

    /// <summary>How many runs are computing now (holding a slot).</summary>
    public int RunningCount => Volatile.Read(ref _running);

    /// <summary>Runs <paramref name="options"/> (validated) from its inputs to its result.</summary>
    /// <param name="options">The run.</param>
    /// <param name="progress">Receives a report after every iteration.</param>
    /// <param name="observe">Called after every iteration on the run's thread, with the report and the optimiser (previews).</param>
    /// <param name="cancellationToken">Stops the run within one iteration, or its wait for a slot.</param>
    /// <param name="additionalTerms">Terms each scale adds to the objective; null for none.</param>
    public async Task<StyleTransferResult> RunAsync(
        StyleTransferOptions options,
        IProgress<StyleTransferProgress>? progress,
        Action<StyleTransferProgress, ScaleOptimizer>? observe,
        CancellationToken cancellationToken,
        IAdditionalTerms? additionalTerms = null)
    {
        var preparation = Stopwatch.StartNew();
        using var prepared = await PrepareAsync(options, cancellationToken).ConfigureAwait(false);
        var outcome = await OptimizeAsync(options, prepared, progress, observe, additionalTerms, cancellationToken).ConfigureAwait(false);
        return await FinishAsync(options, prepared.Inputs, outcome, preparation, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _slots.Dispose();

    /// <summary>Everything checked and read before any compute: nothing is loaded into the network, nothing written.</summary>
    private async Task<PreparedRun> PrepareAsync(StyleTransferOptions options, CancellationToken cancellationToken)
    {
        RunDestinations.Check(options);
        cancellationToken.ThrowIfCancellationRequested();
        var inputs = await RunInputs.LoadAsync(options, cancellationToken).ConfigureAwait(false);
        var plan = MemoryGuard.Check(options, inputs);
        var fingerprint = options.CheckpointPath is null && options.ResumeFrom is null ? null : RunFingerprint.Compute(options, _device, inputs, plan.Scales);
        var resume = options.ResumeFrom is null ? null : Checkpoints.Open(options.ResumeFrom, fingerprint!);
        return new PreparedRun(resume is null ? inputs : inputs with { Seed = resume.Seed }, plan, fingerprint, resume);
    }

    /// <summary>The scales, on a compute slot and on a thread of their own (dispose scopes are per thread).</summary>
    private async Task<RunOutcome> OptimizeAsync(
        StyleTransferOptions options,
        PreparedRun prepared,
        IProgress<StyleTransferProgress>? progress,
        Action<StyleTransferProgress, ScaleOptimizer>? observe,
        IAdditionalTerms? additionalTerms,
        CancellationToken cancellationToken)
    {
        if (_slots.CurrentCount == 0)
        {
            EngineLog.Waiting(_logger, RunningCount, _maxConcurrentRuns);
        }

        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _running);
        try
        {
            var network = await _networks.GetAsync(options.Precision, options.Pooling, cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();

            // For a bfloat16 scale that finishes in float32: loaded on the run's own thread when first needed, then kept like any network.
            IFeatureExtractor Float32Network() => _networks.GetAsync(ComputePrecision.Float32, options.Pooling, cancellationToken).GetAwaiter().GetResult();
            EngineLog.RunStarted(_logger, options.Content!.Description, options.Styles.Count, options.OutputSize, prepared.Inputs.Seed);
            var run = new CoarseToFineRun(
                options, prepared.Inputs, prepared.Plan.Scales, progress, Observer(observe), prepared.Resume, prepared.Fingerprint, Float32Network, additionalTerms, _logger, cancellationToken);
            return await Task.Factory.StartNew(() => run.Run(network), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
            _slots.Release();
        }
    }

    /// <summary>The result: colours post-processed as asked, written atomically when a path is given, logged; the run's time outside the optimisation counts as preparation.</summary>
    private async Task<StyleTransferResult> FinishAsync(StyleTransferOptions options, RunInputs inputs, RunOutcome outcome, Stopwatch run, CancellationToken cancellationToken)
    {
        var image = InputPreparation.Result(outcome.Image, inputs.Content, options);
        if (options.OutputPath is not null)
        {
            var saveOptions = new ImageSaveOptions { Overwrite = options.OverwriteOutput, Quality = options.OutputQuality };
            await image.SaveAsync(options.OutputPath, saveOptions, cancellationToken).ConfigureAwait(false);
        }

        EngineLog.RunFinished(_logger, image.Width, image.Height, outcome.History.Count, outcome.Elapsed.TotalSeconds, outcome.FinalLosses.Total, inputs.Seed);
        return new StyleTransferResult(image, outcome.History, outcome.FinalLosses, inputs.Seed, run.Elapsed - outcome.Elapsed, outcome.Elapsed, options.OutputPath);
    }

    /// <summary>The per-iteration hook: trace and scale-end logging, then the caller's observer.</summary>
    private Action<StyleTransferProgress, ScaleOptimizer>? Observer(Action<StyleTransferProgress, ScaleOptimizer>? observe)
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

    /// <summary>A run's prepared inputs, plan, fingerprint and the checkpoint it resumes from (owned).</summary>
    private sealed record PreparedRun(RunInputs Inputs, RunPlan Plan, string? Fingerprint, RunCheckpoint? Resume) : IDisposable
    {
        public void Dispose() => Resume?.Dispose();
    }
}
