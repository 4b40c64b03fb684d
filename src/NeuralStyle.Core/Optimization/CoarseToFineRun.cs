using System.Diagnostics;
using System.Runtime.InteropServices;
using NeuralStyle.Imaging;
using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>
/// The tensor work of one <see cref="StyleTransfer"/> run, all on one thread (dispose scopes and
/// no_grad are per thread): each scale of the schedule in turn, each starting from the upscaled
/// result of the one before, each ending on the best image it measured.
/// </summary>
internal sealed class CoarseToFineRun
{
    private readonly StyleTransferOptions _options;
    private readonly RunInputs _inputs;
    private readonly IProgress<StyleTransferProgress>? _progress;
    private readonly Action<StyleTransferProgress, IScaleOptimizer>? _observe;
    private readonly RunCheckpoint? _resume;
    private readonly string? _fingerprint;
    private readonly IReadOnlyList<int?> _tileSizes;
    private readonly CancellationToken _cancellationToken;

    /// <param name="options">The run's options.</param>
    /// <param name="inputs">The decoded and prepared inputs.</param>
    /// <param name="progress">Receives a report after every iteration.</param>
    /// <param name="observe">Called after every iteration, on the run's thread, with the report and the optimiser (to render previews).</param>
    /// <param name="resume">A checkpoint (already checked against this run) to continue from; null to start afresh.</param>
    /// <param name="fingerprint">The run's fingerprint, recorded in the checkpoints it writes (when <see cref="StyleTransferOptions.CheckpointPath"/> is set).</param>
    /// <param name="tileSizes">For each scale of the schedule, the tile size it is optimised in, or null for the whole image at once (<see cref="RunPlan"/> decides); null for no tiling at all.</param>
    /// <param name="cancellationToken">Checked before every iteration.</param>
    public CoarseToFineRun(
        StyleTransferOptions options,
        RunInputs inputs,
        IProgress<StyleTransferProgress>? progress,
        Action<StyleTransferProgress, IScaleOptimizer>? observe,
        RunCheckpoint? resume,
        string? fingerprint,
        IReadOnlyList<int?>? tileSizes,
        CancellationToken cancellationToken)
    {
        _options = options;
        _inputs = inputs;
        _progress = progress;
        _observe = observe;
        _resume = resume;
        _fingerprint = fingerprint;
        _tileSizes = tileSizes ?? [];
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
        IScaleOptimizer? previous = null;
        Tensor? previousImage = null;
        LossTerms finalLosses = default;
        try
        {
            for (var k = firstScale; k < schedule.Scales.Count; k++)
            {
                var scale = schedule.Scales[k];
                var scaleContent = InputPreparation.ContentAt(content, scale.Size);
                var tileSize = k < _tileSizes.Count ? _tileSizes[k] : null;
                using var tiledWork = tileSize is null ? null : NativeAllocator.ForTiledWork();
                try
                {
                    var optimizer = CreateOptimizer(extractor, scaleContent, scale.Size, previousImage, tileSize);
                    if (previous is not null)
                    {
                        if (optimizer is StyleOptimizer whole && previous is StyleOptimizer previousWhole)
                        {
                            whole.ContinueFrom(previousWhole);
                        }

                        previous.Dispose();
                    }

                    previous = optimizer;
                    var done = 0;
                    if (_resume is not null && k == _resume.Scale && optimizer is StyleOptimizer resumed)
                    {
                        resumed.LoadState(_resume.State);
                        done = _resume.IterationInScale;
                    }

                    finalLosses = RunScale(optimizer, k, done, scale.Iterations, scaleContent, progress);
                    previousImage?.Dispose();
                    previousImage = optimizer.CopyImage();

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
            previous?.Dispose();
            previousImage?.Dispose();
        }
    }

    /// <summary>The optimiser of one scale, whole or in tiles: its targets, and its start (the previous scale's result upscaled, or the initial image).</summary>
    private IScaleOptimizer CreateOptimizer(IFeatureExtractor extractor, RgbImage scaleContent, int scaleSize, Tensor? previousImage, int? tileSize)
    {
        using var scope = NewDisposeScope();
        var device = extractor.Device;
        var contentTensor = ImageTensors.ToTensor(scaleContent, device);
        var styleTensors = _inputs.Styles.Select(s => new StyleTensor(
            ImageTensors.ToTensor(InputPreparation.StyleAt(s.Image, scaleSize, _options), device),
            s.Weight,
            s.Mask is null ? null : tensor(InputPreparation.MaskAt(s.Mask, scaleContent.Width, scaleContent.Height), [1, 1, scaleContent.Height, scaleContent.Width]).to(device))).ToArray();
        var start = previousImage is null ? InitialTensor(contentTensor, device) : Upscale(previousImage, contentTensor);
        _cancellationToken.ThrowIfCancellationRequested();
        return tileSize is { } tile
            ? new TiledOptimizer(extractor, contentTensor, styleTensors, start, _options.Optimization, tile)
            : new StyleOptimizer(extractor, contentTensor, styleTensors, start, _options.Optimization);
    }

    /// <summary>
    /// The iterations of scale <paramref name="scale"/> after the first <paramref name="done"/>, each
    /// reported (and checkpointed when asked); ends on the best image measured and returns its loss.
    /// </summary>
    private LossTerms RunScale(IScaleOptimizer optimizer, int scale, int done, int iterations, RgbImage scaleContent, RunProgress progress)
    {
        for (var i = done + 1; i <= iterations; i++)
        {
            _cancellationToken.ThrowIfCancellationRequested();
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
                WriteCheckpoint(path, whole, scale, i, progress.History);
            }
        }

        return optimizer.KeepBestImage();
    }

    private void WriteCheckpoint(string path, StyleOptimizer optimizer, int scale, int iterationInScale, IReadOnlyList<LossTerms> history)
    {
        using var state = new OptimizerState();
        optimizer.SaveState(state);
        var checkpoint = new RunCheckpoint(RunFingerprint.Library, _fingerprint!, scale, iterationInScale, _inputs.Seed, history.ToArray(), state);
        checkpoint.Write(path);
    }

    /// <summary>The run's clock, loss history and pace, and the progress reports made from them.</summary>
    private sealed class RunProgress(ScaleSchedule schedule, RunPace pace)
    {
        public Stopwatch Clock { get; } = Stopwatch.StartNew();

        public List<LossTerms> History { get; } = new(schedule.TotalIterations);

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
