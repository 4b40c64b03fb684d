using NeuralStyle.Imaging;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>
/// Optimises an image so that its features match a content image's and its Gram matrices match a
/// style image's: it owns the image being optimised and its optimiser (Adam or L-BFGS), and each
/// <see cref="Step"/> makes one iteration with automatic differentiation, then clamps the image to
/// [0, 1].
/// </summary>
/// <remarks>
/// Targets are computed once, in the constructor, without gradient tracking. The optimiser also
/// keeps the image with the lowest loss measured so far: the last step of a run has not been
/// measured, and an L-BFGS step can overshoot, so call <see cref="KeepBestImage"/> after the last
/// <see cref="Step"/> to end on an image whose loss is known. Every tensor an
/// iteration creates is released before <see cref="Step"/> returns, so memory does not grow with
/// the number of iterations. Not thread-safe: use an instance from one thread at a time (dispose
/// scopes and no_grad are per thread).
/// </remarks>
public sealed class StyleOptimizer : IDisposable, IScaleOptimizer
{
    private const string LbfgsIterationsLeftKey = "lbfgs.iterations_before_adam";

    private readonly StyleObjective _objective;
    private readonly Parameter _image;
    private readonly AdamOptimizer? _adam;
    private readonly LbfgsOptimizer? _lbfgs;
    private readonly double _averagingDecay;
    private readonly Tensor? _average;
    private readonly BestImage _best;
    private double _averageWeight;

    /// <summary>With both optimisers (<see cref="LbfgsSettings.SwitchToAdamAfter"/>): the L-BFGS iterations left before Adam takes over; null with one.</summary>
    private int? _lbfgsIterationsLeft;
    private bool _disposed;

    /// <summary>Prepares the targets and the optimiser for one style image.</summary>
    /// <param name="extractor">The feature network (not owned; keep it alive while this object is used).</param>
    /// <param name="content">The content image, NCHW 1×3×H×W in [0, 1], on the extractor's device.</param>
    /// <param name="style">The style image, NCHW 1×3×H'×W' in [0, 1] (any size).</param>
    /// <param name="initialImage">Where to start, the same size as <paramref name="content"/>; copied.</param>
    /// <param name="settings">The loss's layers and weights, and the optimiser.</param>
    /// <exception cref="ArgumentException">A tensor has the wrong shape or a layer is unknown.</exception>
    public StyleOptimizer(IFeatureExtractor extractor, Tensor content, Tensor style, Tensor initialImage, StyleOptimizerSettings settings)
        : this(extractor, content, [new StyleTensor(style)], initialImage, settings)
    {
    }

    /// <summary>Prepares the targets and the optimiser for one or more style images, blended or masked.</summary>
    /// <param name="extractor">The feature network (not owned; keep it alive while this object is used).</param>
    /// <param name="content">The content image, NCHW 1×3×H×W in [0, 1], on the extractor's device.</param>
    /// <param name="styles">The style images with their blend weights and, for all or none of them, masks of H×W.</param>
    /// <param name="initialImage">Where to start, the same size as <paramref name="content"/>; copied.</param>
    /// <param name="settings">The loss's layers and weights, and the optimiser.</param>
    /// <exception cref="ArgumentException">A tensor has the wrong shape, a layer is unknown, or only some styles have masks.</exception>
    public StyleOptimizer(IFeatureExtractor extractor, Tensor content, IReadOnlyList<StyleTensor> styles, Tensor initialImage, StyleOptimizerSettings settings)
    {
        Guard.NotNull(extractor);
        Guard.NotNull(content);
        Guard.NotNull(styles);
        Guard.NotNull(initialImage);
        Guard.NotNull(settings);
        settings.Validate();
        RequireShapes(content, styles, initialImage);

        _objective = new StyleObjective(extractor, content, styles, settings);
        try
        {
            using (no_grad())
            {
                _image = new Parameter(initialImage.detach().clone().clamp_(0, 1).DetachFromDisposeScope(), requires_grad: true);
                _best = new BestImage(_image);
            }

            _averagingDecay = settings.AveragingDecay;
            if (_averagingDecay > 0)
            {
                _average = zeros_like(_image).DetachFromDisposeScope();
            }

            if (settings.Optimizer == OptimizerKind.Lbfgs)
            {
                _lbfgs = new LbfgsOptimizer(_image, settings.Lbfgs.LearningRate, settings.Lbfgs.HistorySize);
                if (settings.Lbfgs.SwitchToAdamAfter is { } after)
                {
                    _adam = new AdamOptimizer(_image, settings.Adam);
                    _lbfgsIterationsLeft = after;
                }
            }
            else
            {
                _adam = new AdamOptimizer(_image, settings.Adam);
            }
        }
        catch
        {
            _objective.Dispose();
            _image?.Dispose();
            _best?.Dispose();
            _average?.Dispose();
            throw;
        }
    }

    /// <summary>The number of iterations made so far.</summary>
    public int Iteration { get; private set; }

    /// <summary>Whether L-BFGS has stopped making progress (see <see cref="LbfgsOptimizer.IsStalled"/>); always false with Adam, and once Adam has taken over.</summary>
    internal bool IsStalled => InLbfgsPhase && _lbfgs!.IsStalled;

    /// <summary>Whether Adam has taken over from L-BFGS (<see cref="LbfgsSettings.SwitchToAdamAfter"/>): the next <see cref="Step"/> is an Adam step.</summary>
    internal bool AdamHasTakenOver => _lbfgs is not null && _lbfgsIterationsLeft is 0;

    /// <summary>Whether the next <see cref="Step"/> is an L-BFGS step.</summary>
    private bool InLbfgsPhase => _lbfgs is not null && _lbfgsIterationsLeft is not 0;

    /// <summary>Makes one iteration and returns the loss terms measured in it (at the image before the update).</summary>
    /// <exception cref="DivergenceException">A loss term became NaN or infinite; the image is left as it was before the step.</exception>
    public LossTerms Step()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var scope = NewDisposeScope();
        _image.grad?.zero_();
        var (total, content, style, tv) = _objective.Evaluate(_image);
        total.backward();
        var terms = ReadTerms(total, content, style, tv);
        Iteration++;
        ThrowIfDiverged(terms, Iteration); // before the update, so a diverged step leaves the image as it was
        _best.Offer(_image, terms);
        if (InLbfgsPhase)
        {
            _adam?.Observe(_image.grad!); // Adam, taking over later, gathers its moments along the way.
            _lbfgs!.Step(terms.Total);
            if (_lbfgsIterationsLeft is { } left)
            {
                _lbfgsIterationsLeft = left - 1;
                if (_lbfgsIterationsLeft == 0)
                {
                    _lbfgs.Restart(); // Adam's turn: the curvature pairs' memory is freed.
                }
            }
        }
        else
        {
            _adam!.Step();
        }

        using (no_grad())
        {
            _image.clamp_(0, 1);
            if (_average is not null)
            {
                _average.mul_(_averagingDecay).add_(_image, 1 - _averagingDecay);
                _averageWeight = 1 - Math.Pow(_averagingDecay, Iteration);
            }
        }

        return terms;
    }

    /// <summary>
    /// Ends on an image whose loss is known: measures the current image (the last <see cref="Step"/>
    /// moved it to a point nobody measured) and, if its loss is above the lowest loss measured so far,
    /// puts back the image that had that loss. Costs one forward pass. The iterate average
    /// (<see cref="StyleTransferOptions.AveragingDecay"/>) is left as it is.
    /// </summary>
    /// <returns>The loss terms of the image now held.</returns>
    /// <exception cref="DivergenceException">The current image's loss is NaN or infinite and no earlier image was measured.</exception>
    public LossTerms KeepBestImage()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (total, content, style, tv) = _objective.Evaluate(_image);
        var current = ReadTerms(total, content, style, tv);
        if (_best.RestoreIfLower(_image, current))
        {
            _lbfgs?.Restart(); // Its curvature pairs and last point describe the image just discarded.
            return _best.Losses!.Value;
        }

        ThrowIfDiverged(current, Iteration);
        _best.Offer(_image, current);
        return current;
    }

    /// <summary>The loss terms of any image of this optimiser's size under its objective (no gradients; the image held is not touched).</summary>
    internal LossTerms Measure(Tensor image)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (total, content, style, tv) = _objective.Evaluate(image);
        return ReadTerms(total, content, style, tv);
    }

    /// <summary>
    /// A detached copy of the current image (NCHW 1×3×H×W in [0, 1]), or of the iterate average when
    /// <see cref="StyleTransferOptions.AveragingDecay"/> is on and an iteration has been made; the caller owns it.
    /// </summary>
    public Tensor CopyImage()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using (no_grad())
        {
            return _average is not null && _averageWeight > 0
                ? (_average / _averageWeight).clamp_(0, 1)
                : _image.detach().clone();
        }
    }

    /// <summary>A detached copy of the current iterate (never the average); the caller owns it.</summary>
    internal Tensor CopyIterate()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using (no_grad())
        {
            return _image.detach().clone();
        }
    }

    /// <summary>
    /// Carries the optimiser state of the previous (smaller) scale of a coarse-to-fine run over to
    /// this one where that is meaningful: Adam's moments, resized (also those that an Adam taking over
    /// from L-BFGS gathered). L-BFGS's curvature pairs do not survive a change of size, so L-BFGS
    /// starts afresh.
    /// </summary>
    internal void ContinueFrom(StyleOptimizer previous)
    {
        if (_adam is not null && previous._adam is not null)
        {
            _adam.ContinueFrom(previous._adam);
        }
    }

    /// <summary>
    /// Hands L-BFGS's curvature pairs to the caller (none with Adam), for an optimiser of the same image
    /// in another precision (<see cref="AdoptCurvature"/>); this one's L-BFGS starts afresh.
    /// </summary>
    internal LbfgsCurvature TakeCurvature()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _lbfgs?.TakeCurvature() ?? new LbfgsCurvature(new LinkedList<(Tensor S, Tensor Y, Tensor Rho)>(), null);
    }

    /// <summary>Starts L-BFGS from another optimiser's curvature pairs of the same image (<see cref="TakeCurvature"/>); nothing with Adam.</summary>
    internal void AdoptCurvature(LbfgsCurvature curvature)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _lbfgs?.AdoptCurvature(curvature);
    }

    /// <summary>Adds everything the next <see cref="Step"/> depends on to a checkpoint's state.</summary>
    internal void SaveState(OptimizerState state)
    {
        state.Add("image", _image);
        state.Add("best.image", _best.Image);
        state.Values["iteration"] = Iteration;
        if (_best.Losses is { } best)
        {
            state.Values["best.content"] = best.Content;
            state.Values["best.style"] = best.Style;
            state.Values["best.tv"] = best.TotalVariation;
            state.Values["best.total"] = best.Total;
        }

        if (_average is not null)
        {
            state.Add("average", _average);
            state.Values["average.weight"] = _averageWeight;
        }

        _lbfgs?.SaveState(state);
        SaveAdam(state);
    }

    /// <summary>Restores the state <see cref="SaveState"/> captured, so that the next <see cref="Step"/> continues exactly as it would have.</summary>
    /// <exception cref="CheckpointException">The state does not fit this optimiser (another size or optimiser).</exception>
    internal void LoadState(OptimizerState state)
    {
        using (no_grad())
        {
            CopyInto(_image, state, "image");
            CopyInto(_best.Image, state, "best.image");
            if (_average is not null)
            {
                CopyInto(_average, state, "average");
                _averageWeight = state.Value("average.weight");
            }
        }

        Iteration = (int)state.Value("iteration");
        _best.Losses = state.Values.ContainsKey("best.total")
            ? new LossTerms(state.Value("best.content"), state.Value("best.style"), state.Value("best.tv"), state.Value("best.total"))
            : null;
        _lbfgs?.LoadState(state);
        LoadAdam(state);
    }

    /// <summary>
    /// Adam's moments and the L-BFGS iterations left before it takes over (<see cref="LbfgsSettings.SwitchToAdamAfter"/>),
    /// for an optimiser that goes on with the same image in another precision (<see cref="AdoptAdamPhase"/>); empty when Adam never takes over.
    /// </summary>
    internal OptimizerState SaveAdamPhase()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var state = new OptimizerState();
        if (_lbfgsIterationsLeft is not null)
        {
            SaveAdam(state);
        }

        return state;
    }

    /// <summary>Takes over what <see cref="SaveAdamPhase"/> saved from an optimiser of the same image; nothing when either has no Adam to come.</summary>
    internal void AdoptAdamPhase(OptimizerState state)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_lbfgsIterationsLeft is not null && state.Values.ContainsKey(LbfgsIterationsLeftKey))
        {
            LoadAdam(state);
        }
    }

    /// <summary>Adds Adam's moments, and the L-BFGS iterations left before it takes over where it does, to <paramref name="state"/>.</summary>
    private void SaveAdam(OptimizerState state)
    {
        _adam?.SaveState(state);
        if (_lbfgsIterationsLeft is { } left)
        {
            state.Values[LbfgsIterationsLeftKey] = left;
        }
    }

    /// <summary>Takes Adam's moments, and the L-BFGS iterations left before it takes over where it does, from <paramref name="state"/>.</summary>
    private void LoadAdam(OptimizerState state)
    {
        _adam?.LoadState(state);
        if (_lbfgsIterationsLeft is not null)
        {
            _lbfgsIterationsLeft = (int)state.Value(LbfgsIterationsLeftKey);
        }
    }

    private static void CopyInto(Tensor target, OptimizerState state, string name)
    {
        using var source = state.Get(name, target.device);
        if (!source.shape.SequenceEqual(target.shape))
        {
            throw new CheckpointException($"The checkpoint's {name} is [{string.Join(", ", source.shape)}] but this scale's is [{string.Join(", ", target.shape)}]; it belongs to another run.");
        }

        target.copy_(source);
    }

    /// <summary>The current image as an 8-bit <see cref="RgbImage"/>.</summary>
    public RgbImage ToRgbImage()
    {
        using var scope = NewDisposeScope();
        using var image = CopyImage();
        return ImageTensors.ToRgbImage(image);
    }

    /// <summary>Releases the image, the optimiser state and the targets.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _adam?.Dispose();
        _lbfgs?.Dispose();
        _average?.Dispose();
        _best.Dispose();
        _image.Dispose();
        _objective.Dispose();
    }

    private static void RequireShapes(Tensor content, IReadOnlyList<StyleTensor> styles, Tensor initialImage)
    {
        if (!initialImage.shape.SequenceEqual(content.shape))
        {
            Guard.ThrowArgument(
                $"The initial image [{string.Join(", ", initialImage.shape)}] must have the content's shape [{string.Join(", ", content.shape)}].",
                nameof(initialImage));
        }

        if (styles.Count == 0)
        {
            Guard.ThrowArgument("Give at least one style.", nameof(styles));
        }

        foreach (var style in styles)
        {
            Guard.NotNull(style, nameof(styles));
        }

        var masked = styles.Count(s => s.Mask is not null);
        if (masked != 0 && masked != styles.Count)
        {
            Guard.ThrowArgument($"Either every style has a mask or none has; {masked} of {styles.Count} have one.", nameof(styles));
        }

        if (!(styles.Sum(s => s.Weight) > 0))
        {
            Guard.ThrowArgument("The styles' blend weights are all 0; give at least one a positive weight.", nameof(styles));
        }

        foreach (var mask in styles.Select(s => s.Mask).OfType<Tensor>())
        {
            if (mask.shape[2] != content.shape[2] || mask.shape[3] != content.shape[3])
            {
                Guard.ThrowArgument(
                    $"A mask is {mask.shape[3]} × {mask.shape[2]} but the image is {content.shape[3]} × {content.shape[2]}; masks must have the image's size.",
                    nameof(styles));
            }
        }
    }

    /// <summary>The four loss values, read back to the host in one transfer (one wait for a GPU, not four).</summary>
    private static LossTerms ReadTerms(Tensor total, Tensor content, Tensor style, Tensor tv)
    {
        using var values = stack([content.detach(), style.detach(), tv.detach(), total.detach()]).to(ScalarType.Float32).cpu();
        var v = values.data<float>();
        return new LossTerms(v[0], v[1], v[2], v[3]);
    }

    private static void ThrowIfDiverged(LossTerms terms, int iteration)
    {
        if (!double.IsFinite(terms.Content))
        {
            throw new DivergenceException("content", iteration, terms.Content);
        }

        if (!double.IsFinite(terms.Style))
        {
            throw new DivergenceException("style", iteration, terms.Style);
        }

        if (!double.IsFinite(terms.TotalVariation))
        {
            throw new DivergenceException("total variation", iteration, terms.TotalVariation);
        }

        if (!double.IsFinite(terms.Total))
        {
            throw new DivergenceException("total", iteration, terms.Total);
        }
    }
}
