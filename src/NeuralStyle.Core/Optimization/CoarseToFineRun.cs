using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using NeuralStyle.Imaging;
using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>
/// The tensor work of one <see cref="StyleTransfer"/> run, all on one thread (dispose scopes and
/// no_grad are per thread): each scale of the plan in turn, each starting from the upscaled result
/// of the one before, each ending on the best image it measured.
/// </summary>
/// <remarks>
/// A bfloat16 scale whose update rule stalls finishes in float32 where the plan allows it
/// (<see cref="PlannedScale.MayFinishInFloat32"/>): the rounding noise of bfloat16 gradients stops
/// L-BFGS short of where float32 goes on to, so the scale's best image so far becomes the start of
/// a float32 optimiser for the scale's remaining iterations, which takes over the bfloat16 rule's
/// state (L-BFGS's curvature pairs, Adam's moments to come).
/// </remarks>
internal sealed class CoarseToFineRun
{
    private readonly StyleTransferOptions _options;
    private readonly RunInputs _inputs;
    private readonly IReadOnlyList<PlannedScale> _scales;
    private readonly IProgress<StyleTransferProgress>? _progress;
    private readonly Action<StyleTransferProgress, ScaleOptimizer>? _observe;
    private readonly RunCheckpoint? _resume;
    private readonly string? _fingerprint;
    private readonly Func<IFeatureExtractor>? _float32Network;
    private readonly IAdditionalTerms? _additionalTerms;
    private readonly ILogger _logger;
    private readonly CancellationToken _cancellationToken;

    /// <param name="options">The run's options.</param>
    /// <param name="inputs">The decoded and prepared inputs.</param>
    /// <param name="scales">The plan's scales: size, iterations, whether in tiles, whether it may finish in float32.</param>
    /// <param name="progress">Receives a report after every iteration.</param>
    /// <param name="observe">Called after every iteration, on the run's thread, with the report and the optimiser (to render previews).</param>
    /// <param name="resume">A checkpoint (already checked against this run) to continue from; null to start afresh.</param>
    /// <param name="fingerprint">The run's fingerprint, recorded in the checkpoints it writes (when <see cref="StyleTransferOptions.CheckpointPath"/> is set).</param>
    /// <param name="float32Network">Gives the float32 network (loaded on first use, not owned) for bfloat16 scales that finish in float32; null for none.</param>
    /// <param name="additionalTerms">Terms each scale's objective adds to content, style and total variation; null for none.</param>
    /// <param name="logger">Told when a scale finishes in float32 or changes update rule.</param>
    /// <param name="cancellationToken">Checked before every iteration.</param>
    public CoarseToFineRun(
        StyleTransferOptions options,
        RunInputs inputs,
        IReadOnlyList<PlannedScale> scales,
        IProgress<StyleTransferProgress>? progress,
        Action<StyleTransferProgress, ScaleOptimizer>? observe,
        RunCheckpoint? resume,
        string? fingerprint,
        Func<IFeatureExtractor>? float32Network,
        IAdditionalTerms? additionalTerms,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        _options = options;
        _inputs = inputs;
        _scales = scales;
        _progress = progress;
        _observe = observe;
        _resume = resume;
        _fingerprint = fingerprint;
        _float32Network = float32Network;
        _additionalTerms = additionalTerms;
        _logger = logger;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Runs every scale on <paramref name="extractor"/> (not owned) and returns the output-size image with its losses.</summary>
    /// <exception cref="ComputeMemoryException">libtorch could not allocate the memory a scale needs.</exception>
    public RunOutcome Run(IFeatureExtractor extractor)
    {
        var progress = new RunProgress(_scales);
        var firstScale = _resume is null ? 0 : progress.Resume(_resume);
        ScaleOptimizer? optimizer = null;
        Tensor? previousImage = null;
        LossTerms finalLosses = default;
        try
        {
            for (var k = firstScale; k < _scales.Count; k++)
            {
                var scale = _scales[k];
                using var tiledWork = scale.TileSize is null ? null : NativeAllocator.ForTiledWork();
                try
                {
                    var resumed = _resume is not null && k == _resume.Scale ? _resume : null;
                    var inFloat32 = resumed?.Float32Finish ?? false;
                    var next = CreateOptimizer(inFloat32 ? _float32Network!() : extractor, scale, previousImage);
                    if (optimizer is not null)
                    {
                        next.ContinueFrom(optimizer);
                        optimizer.Dispose();
                    }

                    optimizer = next;
                    if (resumed is not null)
                    {
                        optimizer.LoadState(resumed.State);
                    }

                    (optimizer, finalLosses) = RunScale(k, optimizer, resumed?.IterationInScale ?? 0, progress, inFloat32);
                    previousImage?.Dispose();
                    previousImage = optimizer.CopyImage();

                    // With the app's allocator tuning in effect, what this scale freed stays with the
                    // process; give it back, so that the next, larger scale starts from a compact heap.
                    NativeAllocator.ReleaseFreeMemory();
                }
                catch (ExternalException ex) when (NativeErrors.IsAllocationFailure(ex))
                {
                    throw NativeErrors.OutOfMemory(ex, $"a {scale.Width} × {scale.Height} scale in {_options.Precision}");
                }
            }

            _cancellationToken.ThrowIfCancellationRequested();
            return new RunOutcome(ImageTensors.ToRgbImage(previousImage!), progress.History, finalLosses, progress.Clock.Elapsed);
        }
        finally
        {
            optimizer?.Dispose();
            previousImage?.Dispose();
        }
    }

    /// <summary>
    /// The iterations of scale <paramref name="index"/> after the first <paramref name="done"/>, each
    /// reported (and checkpointed when asked); ends on the best image measured. When the plan allows it
    /// and the rule stalls, the rest of the scale runs on a float32 optimiser (<paramref name="inFloat32"/>:
    /// a resumed scale that had done so already).
    /// </summary>
    /// <returns>The optimiser the scale ended with (the one it was given, or its float32 successor, which the caller then owns) and the loss of its image.</returns>
    private (ScaleOptimizer Optimizer, LossTerms Losses) RunScale(int index, ScaleOptimizer optimizer, int done, RunProgress progress, bool inFloat32)
    {
        var scale = _scales[index];
        var mayFinishInFloat32 = scale.MayFinishInFloat32 && _float32Network is not null;
        var rule = optimizer.RuleName;
        if (scale.Optimizer != _options.Optimizer && done == 0)
        {
            EngineLog.TiledWithAdam(_logger, index + 1, _scales.Count, scale.Width, scale.Height);
        }

        for (var i = done + 1; i <= scale.Iterations; i++)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            if (mayFinishInFloat32 && !inFloat32 && optimizer.IsStalled)
            {
                EngineLog.FinishingInFloat32(_logger, index + 1, _scales.Count, scale.Width, scale.Height, progress.History.Count + 1);
                optimizer = FinishInFloat32(optimizer, scale);
                inFloat32 = true;
            }

            if (optimizer.RuleName != rule)
            {
                EngineLog.RuleChanged(_logger, index + 1, _scales.Count, scale.Width, scale.Height, optimizer.RuleName, progress.History.Count + 1, rule);
                rule = optimizer.RuleName;
            }

            progress.Done(index, optimizer.Step());
            var report = progress.Report(index);
            _progress?.Report(report);
            _observe?.Invoke(report, optimizer);
            var count = progress.History.Count;
            if (_options.IntermediateImage is { } callback && _options.IntermediateImageInterval > 0 && count % _options.IntermediateImageInterval == 0)
            {
                callback(count, optimizer.ToRgbImage());
            }

            // Not after a scale's last iteration: the checkpoint then would have to hold the next
            // scale's start as well; the next due one comes within the interval.
            if (_options.CheckpointPath is { } path && count % _options.CheckpointInterval == 0 && i < scale.Iterations)
            {
                using var state = optimizer.SaveState();
                new RunCheckpoint(RunFingerprint.Library, _fingerprint!, index, i, _inputs.Seed, progress.History.ToArray(), inFloat32, state).Write(path);
            }
        }

        return (optimizer, optimizer.KeepBestImage());
    }

    /// <summary>
    /// A float32 optimiser for the rest of a stalled scale, starting from the best image the stalled
    /// one measured, with the stalled one's rule state: L-BFGS's curvature pairs describe the same
    /// image's loss, noisier, and save float32 the iterations of building its own. The stalled one is
    /// disposed first, so that its memory is free for the float32 one.
    /// </summary>
    private ScaleOptimizer FinishInFloat32(ScaleOptimizer stalled, PlannedScale scale)
    {
        var (best, rule) = stalled.HandOver();
        using (best)
        {
            stalled.Dispose();
            var optimizer = CreateOptimizer(_float32Network!(), scale, best);
            optimizer.TakeOver(rule);
            return optimizer;
        }
    }

    /// <summary>
    /// The optimiser of one scale, whole or in tiles as planned: its targets, and its start (the
    /// previous scale's result upscaled, the image a stalled optimiser of this scale got to, or the initial image).
    /// </summary>
    private ScaleOptimizer CreateOptimizer(IFeatureExtractor extractor, PlannedScale scale, Tensor? previousImage)
    {
        using var scope = NewDisposeScope();
        var device = extractor.Device;
        var size = Math.Max(scale.Width, scale.Height);
        var content = ImageTensors.ToTensor(InputPreparation.ContentAt(_inputs.Content, size), device);
        var styles = _inputs.Styles.Select(s => new StyleTensor(
            ImageTensors.ToTensor(InputPreparation.StyleAt(s.Image, size, _options), device),
            s.Weight,
            s.Mask is null ? null : tensor(InputPreparation.MaskAt(s.Mask, scale.Width, scale.Height), [1, 1, scale.Height, scale.Width]).to(device))).ToArray();
        var start = previousImage is null ? InitialTensor(content, device)
            : previousImage.shape.SequenceEqual(content.shape) ? previousImage
            : Upscale(previousImage, content);
        _cancellationToken.ThrowIfCancellationRequested();
        var settings = _options.Optimization with { Optimizer = scale.Optimizer };
        if (scale.TileSize is { } tile)
        {
            if (_additionalTerms is not null)
            {
                throw new NotSupportedException($"A scale of {scale.Width} × {scale.Height} px is optimised in tiles, and tiles cannot take this run's additional loss terms; choose a smaller size.");
            }

            return ScaleOptimizers.Tiled(extractor, content, styles, start, settings, tile);
        }

        return ScaleOptimizers.Whole(extractor, content, styles, start, settings, _additionalTerms?.At(scale.Width, scale.Height, device));
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
