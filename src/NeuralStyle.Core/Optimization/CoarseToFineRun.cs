using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using NeuralStyle.Imaging;
using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>
/// The tensor work of one <see cref="StyleTransfer"/> run, all on one thread (dispose scopes and
/// no_grad are per thread): each scale of the schedule in turn, each starting from the upscaled
/// result of the one before, each ending on the best image it measured.
/// </summary>
/// <remarks>
/// A bfloat16 scale optimised whole with L-BFGS finishes in float32 once its steps stall
/// (<see cref="StyleOptimizer.IsStalled"/>): the rounding noise of bfloat16 gradients stops L-BFGS
/// short of where float32 goes on to, so the scale's best image so far becomes the start of a
/// float32 optimiser for the scale's remaining iterations, which takes over the bfloat16 one's
/// L-BFGS curvature pairs. Only where the plan says the float32 scale fits in the memory limit
/// (<see cref="PlannedScale.MayFinishInFloat32"/>).
/// </remarks>
internal sealed class CoarseToFineRun
{
    /// <summary>The checkpoint value that marks a scale as finishing in float32, so that a resumed run goes on in float32.</summary>
    private const string Float32FinishKey = "float32_finish";

    private readonly StyleTransferOptions _options;
    private readonly RunInputs _inputs;
    private readonly IProgress<StyleTransferProgress>? _progress;
    private readonly Action<StyleTransferProgress, IScaleOptimizer>? _observe;
    private readonly RunCheckpoint? _resume;
    private readonly string? _fingerprint;
    private readonly IReadOnlyList<PlannedScale> _plannedScales;
    private readonly Func<IFeatureExtractor>? _float32Network;
    private readonly ILogger _logger;
    private readonly CancellationToken _cancellationToken;

    /// <summary>The optimiser of the scale being run (replaced when the scale finishes in float32); disposed when the next scale's is made or the run ends.</summary>
    private IScaleOptimizer? _optimizer;

    /// <param name="options">The run's options.</param>
    /// <param name="inputs">The decoded and prepared inputs.</param>
    /// <param name="progress">Receives a report after every iteration.</param>
    /// <param name="observe">Called after every iteration, on the run's thread, with the report and the optimiser (to render previews).</param>
    /// <param name="resume">A checkpoint (already checked against this run) to continue from; null to start afresh.</param>
    /// <param name="fingerprint">The run's fingerprint, recorded in the checkpoints it writes (when <see cref="StyleTransferOptions.CheckpointPath"/> is set).</param>
    /// <param name="plannedScales">The plan's scales: whether each is optimised in tiles and whether it may finish in float32; null for whole scales in the run's precision throughout.</param>
    /// <param name="float32Network">Gives the float32 network (loaded on first use, not owned) for bfloat16 scales that finish in float32; null for none.</param>
    /// <param name="logger">Told when a scale finishes in float32.</param>
    /// <param name="cancellationToken">Checked before every iteration.</param>
    public CoarseToFineRun(
        StyleTransferOptions options,
        RunInputs inputs,
        IProgress<StyleTransferProgress>? progress,
        Action<StyleTransferProgress, IScaleOptimizer>? observe,
        RunCheckpoint? resume,
        string? fingerprint,
        IReadOnlyList<PlannedScale>? plannedScales,
        Func<IFeatureExtractor>? float32Network,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        _options = options;
        _inputs = inputs;
        _progress = progress;
        _observe = observe;
        _resume = resume;
        _fingerprint = fingerprint;
        _plannedScales = plannedScales ?? [];
        _float32Network = float32Network;
        _logger = logger;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Runs every scale on <paramref name="extractor"/> (not owned) and returns the output-size image with its losses.</summary>
    /// <exception cref="ComputeMemoryException">libtorch could not allocate the memory a scale needs.</exception>
    public RunOutcome Run(IFeatureExtractor extractor)
    {
        var deepest = _options.Optimization.DeepestLayer;
        var content = _inputs.Content;
        var schedule = ScaleSchedule.For(
            _options,
            (double)Math.Min(content.Width, content.Height) / Math.Max(content.Width, content.Height),
            Vgg19Architecture.MinimumSide(deepest));
        var progress = new RunProgress(schedule, new RunPace(schedule, content));
        var firstScale = _resume is null ? 0 : progress.Resume(_resume);
        Tensor? previousImage = null;
        LossTerms finalLosses = default;
        try
        {
            for (var k = firstScale; k < schedule.Scales.Count; k++)
            {
                var scale = schedule.Scales[k];
                var scaleContent = InputPreparation.ContentAt(content, scale.Size);
                var tileSize = k < _plannedScales.Count ? _plannedScales[k].TileSize : null;
                var mayFinishInFloat32 = k < _plannedScales.Count && _plannedScales[k].MayFinishInFloat32 && _float32Network is not null;
                using var tiledWork = tileSize is null ? null : NativeAllocator.ForTiledWork();
                try
                {
                    var resumesInFloat32 = _resume is not null && k == _resume.Scale && _resume.State.Values.ContainsKey(Float32FinishKey);
                    var optimizer = CreateOptimizer(resumesInFloat32 ? _float32Network!() : extractor, scaleContent, scale.Size, previousImage, tileSize);
                    if (_optimizer is not null)
                    {
                        if (optimizer is StyleOptimizer whole && _optimizer is StyleOptimizer previousWhole)
                        {
                            whole.ContinueFrom(previousWhole);
                        }

                        _optimizer.Dispose();
                    }

                    _optimizer = optimizer;
                    var done = 0;
                    if (_resume is not null && k == _resume.Scale && optimizer is StyleOptimizer resumed)
                    {
                        resumed.LoadState(_resume.State);
                        done = _resume.IterationInScale;
                    }

                    finalLosses = RunScale(k, scale.Size, done, scale.Iterations, scaleContent, progress, mayFinishInFloat32, resumesInFloat32);
                    previousImage?.Dispose();
                    previousImage = _optimizer.CopyImage();

                    // With the app's allocator tuning in effect, what this scale freed stays with the
                    // process; give it back, so that the next, larger scale starts from a compact heap.
                    NativeAllocator.ReleaseFreeMemory();
                }
                catch (ExternalException ex) when (NativeErrors.IsAllocationFailure(ex))
                {
                    throw NativeErrors.OutOfMemory(ex, $"a {scaleContent.Width} × {scaleContent.Height} scale in {_options.Precision}");
                }
            }

            _cancellationToken.ThrowIfCancellationRequested();
            return new RunOutcome(ImageTensors.ToRgbImage(previousImage!), progress.History, finalLosses, progress.Clock.Elapsed);
        }
        finally
        {
            _optimizer?.Dispose();
            _optimizer = null;
            previousImage?.Dispose();
        }
    }

    /// <summary>
    /// The optimiser of one scale, whole or in tiles: its targets, and its start (the previous
    /// scale's result upscaled, the image a stalled optimiser of this scale got to, or the initial image).
    /// </summary>
    private IScaleOptimizer CreateOptimizer(IFeatureExtractor extractor, RgbImage scaleContent, int scaleSize, Tensor? previousImage, int? tileSize)
    {
        using var scope = NewDisposeScope();
        var device = extractor.Device;
        var contentTensor = ImageTensors.ToTensor(scaleContent, device);
        var styleTensors = _inputs.Styles.Select(s => new StyleTensor(
            ImageTensors.ToTensor(InputPreparation.StyleAt(s.Image, scaleSize, _options), device),
            s.Weight,
            s.Mask is null ? null : tensor(InputPreparation.MaskAt(s.Mask, scaleContent.Width, scaleContent.Height), [1, 1, scaleContent.Height, scaleContent.Width]).to(device))).ToArray();
        var start = previousImage is null ? InitialTensor(contentTensor, device)
            : previousImage.shape.SequenceEqual(contentTensor.shape) ? previousImage
            : Upscale(previousImage, contentTensor);
        _cancellationToken.ThrowIfCancellationRequested();
        return tileSize is { } tile
            ? new TiledOptimizer(extractor, contentTensor, styleTensors, start, _options.Optimization, tile)
            : new StyleOptimizer(extractor, contentTensor, styleTensors, start, _options.Optimization);
    }

    /// <summary>
    /// The iterations of scale <paramref name="scale"/> after the first <paramref name="done"/>, each
    /// reported (and checkpointed when asked); ends on the best image measured and returns its loss.
    /// When <paramref name="mayFinishInFloat32"/> and the optimiser stalls, the rest of the scale runs
    /// on a float32 optimiser, which then replaces <see cref="_optimizer"/> (<paramref name="inFloat32"/>:
    /// a resumed scale that had done so already).
    /// </summary>
    private LossTerms RunScale(int scale, int scaleSize, int done, int iterations, RgbImage scaleContent, RunProgress progress, bool mayFinishInFloat32, bool inFloat32)
    {
        var optimizer = _optimizer!;
        var adamReported = false;
        for (var i = done + 1; i <= iterations; i++)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            if (mayFinishInFloat32 && !inFloat32 && optimizer is StyleOptimizer { IsStalled: true } stalled)
            {
                EngineLog.FinishingInFloat32(_logger, scale + 1, progress.ScaleCount, scaleContent.Width, scaleContent.Height, progress.History.Count + 1);
                optimizer = _optimizer = FinishInFloat32(stalled, scaleContent, scaleSize);
                inFloat32 = true;
            }

            if (!adamReported && optimizer is StyleOptimizer { AdamHasTakenOver: true })
            {
                EngineLog.AdamTakesOver(_logger, scale + 1, progress.ScaleCount, scaleContent.Width, scaleContent.Height, progress.History.Count + 1);
                adamReported = true;
            }

            progress.Done(scale, optimizer.Step());
            var report = progress.Report(scale, scaleContent);
            _progress?.Report(report);
            _observe?.Invoke(report, optimizer);
            var count = progress.History.Count;
            if (_options.IntermediateImage is { } callback && _options.IntermediateImageInterval > 0 && count % _options.IntermediateImageInterval == 0)
            {
                callback(count, optimizer.ToRgbImage());
            }

            // Not after a scale's last iteration: the checkpoint then would have to hold the next
            // scale's start as well; the next due one comes within the interval.
            if (_options.CheckpointPath is { } path && count % _options.CheckpointInterval == 0 && i < iterations && optimizer is StyleOptimizer whole)
            {
                WriteCheckpoint(path, whole, scale, i, progress.History, inFloat32);
            }
        }

        return optimizer.KeepBestImage();
    }

    /// <summary>
    /// A float32 optimiser for the rest of a stalled scale, starting from the best image the stalled
    /// one measured, with the stalled one's L-BFGS curvature pairs: they describe the same image's
    /// loss, noisier, and save float32 the iterations of building its own. When Adam is to take over
    /// later in the scale, its moments and the iterations left before it does carry over too. The
    /// stalled one is disposed first, so that its memory is free for the float32 one.
    /// </summary>
    private StyleOptimizer FinishInFloat32(StyleOptimizer stalled, RgbImage scaleContent, int scaleSize)
    {
        using var curvature = stalled.TakeCurvature(); // before KeepBestImage, which may restart L-BFGS
        using var adamPhase = stalled.SaveAdamPhase();
        stalled.KeepBestImage();
        using var best = stalled.CopyIterate();
        stalled.Dispose();
        _optimizer = null;
        var optimizer = (StyleOptimizer)CreateOptimizer(_float32Network!(), scaleContent, scaleSize, best, null);
        optimizer.AdoptCurvature(curvature);
        optimizer.AdoptAdamPhase(adamPhase);
        return optimizer;
    }

    private void WriteCheckpoint(string path, StyleOptimizer optimizer, int scale, int iterationInScale, IReadOnlyList<LossTerms> history, bool inFloat32)
    {
        using var state = new OptimizerState();
        optimizer.SaveState(state);
        if (inFloat32)
        {
            state.Values[Float32FinishKey] = 1;
        }

        var checkpoint = new RunCheckpoint(RunFingerprint.Library, _fingerprint!, scale, iterationInScale, _inputs.Seed, history.ToArray(), state);
        checkpoint.Write(path);
    }

    /// <summary>The run's clock, loss history and pace, and the progress reports made from them.</summary>
    private sealed class RunProgress(ScaleSchedule schedule, RunPace pace)
    {
        public Stopwatch Clock { get; } = Stopwatch.StartNew();

        public List<LossTerms> History { get; } = new(schedule.TotalIterations);

        public int ScaleCount => schedule.Scales.Count;

        public void Done(int scale, LossTerms losses)
        {
            History.Add(losses);
            pace.Done(scale);
        }

        /// <summary>Takes over a checkpoint's history (and the pace of its iterations); returns the scale to continue at.</summary>
        /// <exception cref="CheckpointException">The checkpoint's position does not fit the schedule.</exception>
        public int Resume(RunCheckpoint checkpoint)
        {
            var scales = schedule.Scales;
            if (checkpoint.Scale < 0 || checkpoint.Scale >= scales.Count || checkpoint.IterationInScale < 0 || checkpoint.IterationInScale > scales[checkpoint.Scale].Iterations
                || checkpoint.History.Count != scales.Take(checkpoint.Scale).Sum(s => s.Iterations) + checkpoint.IterationInScale)
            {
                throw new CheckpointException("The checkpoint's position does not fit this run's schedule; it belongs to another run.");
            }

            var scale = 0;
            var endOfScale = scales[0].Iterations;
            foreach (var losses in checkpoint.History)
            {
                while (History.Count == endOfScale)
                {
                    endOfScale += scales[++scale].Iterations;
                }

                Done(scale, losses);
            }

            return checkpoint.Scale;
        }

        public StyleTransferProgress Report(int scale, RgbImage scaleContent) =>
            new(History.Count, schedule.TotalIterations, History[^1], Clock.Elapsed, pace.Remaining(Clock.Elapsed))
            {
                Scale = scale + 1,
                ScaleCount = schedule.Scales.Count,
                Width = scaleContent.Width,
                Height = scaleContent.Height,
            };
    }

    /// <summary>The previous scale's result resized (bicubic) to the next scale's size, clamped to [0, 1].</summary>
    private static Tensor Upscale(Tensor image, Tensor like) =>
        nn.functional.interpolate(image, [like.shape[2], like.shape[3]], mode: InterpolationMode.Bicubic, align_corners: false).clamp_(0, 1);

    private Tensor InitialTensor(Tensor content, Device device)
    {
        switch (_options.Initialization.Kind)
        {
            case InitialImageKind.Noise:
                using (var generator = new Generator((ulong)_inputs.Seed, device))
                {
                    return rand(content.shape, ScalarType.Float32, device, false, generator);
                }

            case InitialImageKind.Image:
                return ImageTensors.ToTensor(_inputs.Initial!.Resize((int)content.shape[3], (int)content.shape[2]), device);
            default:
                return content.clone();
        }
    }
}
