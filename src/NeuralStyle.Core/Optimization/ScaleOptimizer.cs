using NeuralStyle.Imaging;
using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>
/// Optimises the image of one scale: each <see cref="Step"/> measures the loss and its gradient
/// with the <see cref="IObjective"/>, lets the <see cref="IUpdateRule"/> move the image, and
/// clamps it to [0, 1]. Around that it keeps what every scale shares, whatever the objective and
/// the rule: the best image measured, the iterate average, the divergence check, and the state a
/// checkpoint saves.
/// </summary>
/// <remarks>
/// Every tensor an iteration creates is released before <see cref="Step"/> returns, so memory does
/// not grow with the number of iterations. Not thread-safe: use an instance from one thread at a
/// time (dispose scopes and no_grad are per thread).
/// </remarks>
internal sealed class ScaleOptimizer : IDisposable
{
    private readonly IObjective _objective;
    private readonly IUpdateRule _rule;
    private readonly Tensor _image;
    private readonly Tensor _gradient;
    private readonly BestImage _best;
    private readonly double _averagingDecay;
    private readonly Tensor? _average;
    private double _averageWeight;
    private bool _disposed;

    /// <param name="objective">The loss of this scale (owned).</param>
    /// <param name="rule">How the image moves (owned).</param>
    /// <param name="start">Where to start, NCHW 1×3×H×W; copied and clamped to [0, 1].</param>
    /// <param name="averagingDecay">The iterate average's decay (<see cref="StyleTransferOptions.AveragingDecay"/>); 0 for none.</param>
    public ScaleOptimizer(IObjective objective, IUpdateRule rule, Tensor start, double averagingDecay)
    {
        _objective = objective;
        _rule = rule;
        _averagingDecay = averagingDecay;
        using (no_grad())
        {
            _image = start.detach().clone().clamp_(0, 1).DetachFromDisposeScope();
            _gradient = zeros_like(_image).DetachFromDisposeScope();
            _best = new BestImage(_image);
            _average = averagingDecay > 0 ? zeros_like(_image).DetachFromDisposeScope() : null;
        }
    }

    /// <summary>The number of iterations made so far.</summary>
    public int Iteration { get; private set; }

    /// <summary>The update rule that makes the next step ("Adam", "L-BFGS").</summary>
    public string RuleName => _rule.Name;

    /// <summary>Whether the update rule has stopped making progress (see <see cref="LbfgsRule.IsStalled"/>).</summary>
    public bool IsStalled => _rule.IsStalled;

    /// <summary>Makes one iteration and returns the loss terms measured in it (at the image before the update).</summary>
    /// <exception cref="DivergenceException">A loss term became NaN or infinite; the image is left as it was before the step.</exception>
    public LossTerms Step()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var scope = NewDisposeScope();
        var terms = _objective.Evaluate(_image, _gradient);
        Iteration++;
        ThrowIfDiverged(terms, Iteration); // before the update, so a diverged step leaves the image as it was
        _best.Offer(_image, terms);
        _rule.Step(_image, _gradient, terms.Total);
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
    /// puts back the image that had that loss. Costs one forward pass. The iterate average is left as it is.
    /// </summary>
    /// <returns>The loss terms of the image now held.</returns>
    /// <exception cref="DivergenceException">The current image's loss is NaN or infinite and no earlier image was measured.</exception>
    public LossTerms KeepBestImage()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var current = _objective.Evaluate(_image, null);
        if (_best.RestoreIfLower(_image, current))
        {
            _rule.Restart(); // Its state describes the image just discarded.
            return _best.Losses!.Value;
        }

        ThrowIfDiverged(current, Iteration);
        _best.Offer(_image, current);
        return current;
    }

    /// <summary>The loss terms of any image of this scale's size under its objective (the image held is not touched).</summary>
    public LossTerms Measure(Tensor image)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _objective.Evaluate(image, null);
    }

    /// <summary>
    /// A detached copy of the current image (NCHW 1×3×H×W in [0, 1]), or of the iterate average when
    /// averaging is on and an iteration has been made; the caller owns it.
    /// </summary>
    public Tensor CopyImage()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using (no_grad())
        {
            return _average is not null && _averageWeight > 0
                ? (_average / _averageWeight).clamp_(0, 1)
                : _image.clone();
        }
    }

    /// <summary>The current image (or average, see <see cref="CopyImage"/>) as an 8-bit <see cref="RgbImage"/>.</summary>
    public RgbImage ToRgbImage()
    {
        using var scope = NewDisposeScope();
        using var image = CopyImage();
        return ImageTensors.ToRgbImage(image);
    }

    /// <summary>Carries the previous (smaller) scale's rule state over where it survives the change of size (Adam's moments, resized).</summary>
    public void ContinueFrom(ScaleOptimizer previous) => _rule.ContinueFrom(previous._rule);

    /// <summary>
    /// Ends this optimiser's part of the scale, for another that goes on with the same image in
    /// another precision (<see cref="TakeOver"/>): its rule's state (moved, so this optimiser is
    /// done with) and the best image it measured (a copy the caller owns).
    /// </summary>
    public (Tensor Image, UpdateRuleState Rule) HandOver()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var rule = _rule.HandOver(); // before KeepBestImage, which may restart the rule
        KeepBestImage();
        using (no_grad())
        {
            return (_image.clone(), rule);
        }
    }

    /// <summary>Goes on from the rule state another optimiser of the same image handed over (<see cref="HandOver"/>); takes the state.</summary>
    public void TakeOver(UpdateRuleState rule) => _rule.TakeOver(rule);

    /// <summary>Everything the next <see cref="Step"/> depends on, copied to the CPU, for a checkpoint; the caller owns it.</summary>
    public ScaleState SaveState() => new(
        StateTensors.Copy(_image),
        StateTensors.Copy(_best.Image),
        _best.Losses,
        StateTensors.CopyIfAny(_average),
        _averageWeight,
        Iteration,
        _rule.SaveState());

    /// <summary>Restores what <see cref="SaveState"/> captured, so that the next <see cref="Step"/> continues exactly as it would have.</summary>
    /// <exception cref="CheckpointException">The state does not fit this optimiser (another size, rule or averaging).</exception>
    public void LoadState(ScaleState state)
    {
        if ((state.Average is null) != (_average is null))
        {
            throw new CheckpointException("The checkpoint was made with other averaging settings; it belongs to another run.");
        }

        using (no_grad())
        {
            CopyInto(_image, state.Image, "image");
            CopyInto(_best.Image, state.BestImage, "best image");
            if (_average is not null)
            {
                CopyInto(_average, state.Average!, "iterate average");
                _averageWeight = state.AverageWeight;
            }
        }

        Iteration = state.Iteration;
        _best.Losses = state.BestLosses;
        _rule.LoadState(state.Rule);
    }

    /// <summary>Releases the image, the rule's state and the objective's targets.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _rule.Dispose();
        _average?.Dispose();
        _best.Dispose();
        _gradient.Dispose();
        _image.Dispose();
        _objective.Dispose();
    }

    private static void CopyInto(Tensor target, Tensor saved, string what)
    {
        StateTensors.RequireShape(saved, target, what);
        using var scope = NewDisposeScope();
        target.copy_(saved.to(target.device));
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
