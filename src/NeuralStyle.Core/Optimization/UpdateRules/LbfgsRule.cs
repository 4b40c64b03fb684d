using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>
/// L-BFGS for one image tensor, one iteration per <see cref="Step"/>, without line search (as
/// jcjohnson/neural-style and PyTorch's default use it). Written here rather than taken from
/// TorchSharp, whose native L-BFGS wrapper never frees the loss tensor the closure hands it
/// (the loss and its autograd graph would leak on every evaluation).
/// </summary>
/// <remarks>
/// <para>
/// The first step (and the first after the history is cleared) is a gradient step that moves the
/// pixel with the largest gradient by <see cref="FirstStepLength"/> times the learning rate, the
/// others in proportion. PyTorch scales it by 1 / |g|₁ instead, which at hundreds of thousands of
/// pixels moves each by a tiny fraction of the image's range: the first curvature pair then
/// measures the curvature far below the scale of the steps that follow (in bfloat16, below the
/// resolution of the network's input), and the first quasi-Newton step overshoots. The step
/// length's effect on the loss is recorded in bench/history.md.
/// </para>
/// <para>
/// Without a line search a step can still overshoot. So every step is checked once its loss is
/// known: a step that raised the loss is taken back, to a quarter of the way from the last accepted
/// image to the rejected one, and checked again (a backtracking search spread over iterations; each
/// retry costs one evaluation). Shrinking the actual, clamped displacement works even when the step
/// is so long that every pixel ends at 0 or 1, where shrinking the step length would change nothing.
/// The curvature pairs use the image's actual displacement, so clamping the image to [0, 1]
/// after a step (a projection) keeps them consistent. State tensors are owned here, outside any
/// dispose scope, and released when replaced.
/// </para>
/// </remarks>
internal sealed class LbfgsRule : IUpdateRule
{
    private const double CurvatureThreshold = 1e-10;
    private const double RetreatFactor = 0.25;
    private const int MaxRetreats = 6;

    /// <summary>How many recent steps <see cref="IsStalled"/> looks at.</summary>
    internal const int StallWindow = 40;

    /// <summary>How many of the last <see cref="StallWindow"/> steps must have been taken back for <see cref="IsStalled"/>.</summary>
    internal const int StallRejections = 10;

    /// <summary>The bits of <see cref="_recentRejections"/> that hold the last <see cref="StallWindow"/> steps.</summary>
    private const ulong StallWindowMask = (1UL << StallWindow) - 1;

    /// <summary>How far the first step moves the pixel with the largest gradient, in the image's [0, 1] range, at learning rate 1.</summary>
    internal const double FirstStepLength = 0.05;

    private readonly Device _device;
    private readonly long _pixels;
    private readonly double _learningRate;
    private readonly int _historySize;
    private readonly LinkedList<CurvaturePair> _history = new();
    private Tensor? _previousGradient;
    private Tensor? _previousImage;
    private Tensor? _hessianScale;
    private double? _acceptedLoss;
    private int _retreats;

    /// <summary>The outcome of each of the last <see cref="StallWindow"/> steps, newest in bit 0: 1 where the step was taken back.</summary>
    private ulong _recentRejections;

    /// <param name="image">The image this rule will move (its size and device).</param>
    /// <param name="learningRate">The step scale.</param>
    /// <param name="historySize">How many curvature pairs approximate the curvature.</param>
    public LbfgsRule(Tensor image, double learningRate, int historySize)
    {
        _device = image.device;
        _pixels = image.numel();
        _learningRate = learningRate;
        _historySize = historySize;
    }

    public string Name => "L-BFGS";

    /// <summary>
    /// Whether the rule has stopped making progress: at least <see cref="StallRejections"/> of
    /// the last <see cref="StallWindow"/> steps went uphill and were taken back, or the last
    /// <see cref="MaxRetreats"/> steps all were, so that one more uphill step would clear the
    /// curvature pairs (a rule that takes over sees this before they are lost). With exact
    /// gradients that hardly happens before the loss has settled; in bfloat16 it is the sign that
    /// the rounding noise of the gradients has caught up with what is left to gain.
    /// </summary>
    public bool IsStalled => ulong.PopCount(_recentRejections & StallWindowMask) >= StallRejections || _retreats >= MaxRetreats;

    public AdamRule? Adam => null;

    /// <summary>
    /// Moves the image one step along the L-BFGS direction, or, when <paramref name="loss"/> shows
    /// that the last step went uphill, takes that step back and makes it shorter.
    /// </summary>
    public void Step(Tensor image, Tensor gradient, double loss)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var rejectedFrom = _acceptedLoss is { } accepted && loss > accepted ? _previousImage : null; // the last accepted image, when this step went uphill
        _recentRejections = (_recentRejections << 1) | (rejectedFrom is null ? 0UL : 1UL);
        if (rejectedFrom is not null)
        {
            if (_retreats < MaxRetreats)
            {
                _retreats++;
                var lastAccepted = rejectedFrom.view_as(image);
                image.sub_(lastAccepted).mul_(RetreatFactor).add_(lastAccepted);
                return;
            }

            ClearHistory(); // Still uphill after many retreats: the curvature estimate is no good; start afresh from here.
        }

        _retreats = 0;
        _acceptedLoss = loss;
        var flatGradient = gradient.detach().flatten().clone();
        var flatImage = image.detach().flatten().clone();

        if (_previousGradient is not null && _previousImage is not null)
        {
            Remember(flatImage - _previousImage, flatGradient - _previousGradient);
        }

        var direction = Direction(flatGradient);
        var stepSize = _previousGradient is null && _history.Count == 0
            ? FirstStepLength / Math.Max(flatGradient.abs().max().item<float>(), float.Epsilon) * _learningRate
            : _learningRate;

        Replace(ref _previousGradient, flatGradient);
        Replace(ref _previousImage, flatImage);
        if (flatGradient.dot(direction).item<float>() >= 0)
        {
            return; // Not a descent direction (numerical trouble): skip the update.
        }

        image.add_(direction.view_as(image), stepSize);
    }

    /// <summary>Nothing: L-BFGS builds its curvature from its own steps.</summary>
    public void Observe(Tensor gradient)
    {
    }

    /// <summary>Forgets everything: the next step is a first step from wherever the image now is.</summary>
    public void Restart()
    {
        ClearHistory();
        _acceptedLoss = null;
        _retreats = 0;
        _recentRejections = 0;
    }

    /// <summary>Nothing: curvature pairs do not survive a change of size, so each scale starts afresh.</summary>
    public void ContinueFrom(IUpdateRule previous)
    {
    }

    public UpdateRuleState SaveState() => new LbfgsState(
        _history.Select(p => new CurvaturePair(StateTensors.Copy(p.S), StateTensors.Copy(p.Y), StateTensors.Copy(p.Rho))).ToArray(),
        StateTensors.CopyIfAny(_hessianScale),
        StateTensors.CopyIfAny(_previousGradient),
        StateTensors.CopyIfAny(_previousImage),
        _acceptedLoss,
        _retreats,
        _recentRejections & StallWindowMask);

    public void LoadState(UpdateRuleState state)
    {
        var lbfgs = StateTensors.Expect<LbfgsState>(state, Name);
        Restart();
        foreach (var pair in lbfgs.Pairs)
        {
            _history.AddLast(new CurvaturePair(Load(pair.S), Load(pair.Y), Load(pair.Rho)));
        }

        _hessianScale = LoadIfAny(lbfgs.HessianScale);
        _previousGradient = LoadIfAny(lbfgs.PreviousGradient);
        _previousImage = LoadIfAny(lbfgs.PreviousImage);
        Resume(lbfgs);
    }

    /// <summary>
    /// The curvature pairs and the scale of the inverse Hessian, moved; this rule is left as after
    /// <see cref="Restart"/>. The rule that takes them over accepts the next loss as it comes, and
    /// its next step is a quasi-Newton step of the learning rate rather than a first gradient step.
    /// </summary>
    public UpdateRuleState HandOver()
    {
        var state = new LbfgsState(_history.ToArray(), _hessianScale, null, null, null, 0, 0);
        _history.Clear();
        _hessianScale = null;
        Restart();
        return state;
    }

    /// <summary>Takes the pairs of <see cref="HandOver"/> (those beyond the history size are dropped, oldest first).</summary>
    public void TakeOver(UpdateRuleState state)
    {
        var lbfgs = StateTensors.Expect<LbfgsState>(state, Name);
        Restart();
        foreach (var pair in lbfgs.Pairs.Skip(Math.Max(0, lbfgs.Pairs.Count - _historySize)))
        {
            _history.AddLast(pair);
        }

        foreach (var dropped in lbfgs.Pairs.Take(Math.Max(0, lbfgs.Pairs.Count - _historySize)))
        {
            dropped.Dispose();
        }

        _hessianScale = lbfgs.HessianScale;
        _previousGradient = lbfgs.PreviousGradient;
        _previousImage = lbfgs.PreviousImage;
        Resume(lbfgs);
    }

    public void Dispose() => ClearHistory();

    /// <summary>A saved vector (a pair's s or y, the last point or gradient) on this rule's device; ρ and the Hessian scale are single numbers.</summary>
    private Tensor Load(Tensor saved)
    {
        if (saved.numel() != _pixels && saved.numel() != 1)
        {
            throw new CheckpointException($"The checkpoint's L-BFGS state has {saved.numel()} values per vector but this scale's image has {_pixels}; it belongs to another run.");
        }

        return StateTensors.CopyTo(saved, _device);
    }

    private Tensor? LoadIfAny(Tensor? saved) => saved is null ? null : Load(saved);

    private void Resume(LbfgsState state)
    {
        _acceptedLoss = state.AcceptedLoss;
        _retreats = state.Retreats;
        _recentRejections = state.RecentRejections;
    }

    /// <summary>Forgets the curvature pairs and the last point, so that the next step is a first step again (a gradient step of <see cref="FirstStepLength"/>).</summary>
    private void ClearHistory()
    {
        foreach (var pair in _history)
        {
            pair.Dispose();
        }

        _history.Clear();
        _hessianScale?.Dispose();
        _hessianScale = null;
        _previousGradient?.Dispose();
        _previousGradient = null;
        _previousImage?.Dispose();
        _previousImage = null;
    }
    /// <summary>
    /// Adds the curvature pair (s, y) unless yᵀs is too small to keep the estimate positive definite.
    /// That test is the one value per step read back to the host; ρ and the scale stay on the device.
    /// </summary>
    private void Remember(Tensor s, Tensor y)
    {
        var ys = y.dot(s);
        if (ys.item<float>() <= CurvatureThreshold)
        {
            return; // Skip pairs that would break positive definiteness.
        }

        if (_history.Count == _historySize)
        {
            _history.First!.Value.Dispose();
            _history.RemoveFirst();
        }

        _history.AddLast(new CurvaturePair(s.DetachFromDisposeScope(), y.DetachFromDisposeScope(), ys.reciprocal().DetachFromDisposeScope()));
        _hessianScale?.Dispose();
        _hessianScale = (ys / y.dot(y)).DetachFromDisposeScope();
    }

    /// <summary>
    /// The two-loop recursion: −H·g with H the limited-memory inverse Hessian estimate. It works in
    /// place on one vector, so a full history allocates nothing of the image's size per update, and
    /// its coefficients stay on the device as 0-d tensors: no value is read back to the host per
    /// history pair (on a GPU each such read would stall the queue).
    /// </summary>
    private Tensor Direction(Tensor gradient)
    {
        var q = gradient.neg();
        var alphas = new Tensor[_history.Count];
        var i = _history.Count - 1;
        for (var node = _history.Last; node is not null; node = node.Previous, i--)
        {
            alphas[i] = node.Value.S.dot(q).mul_(node.Value.Rho);
            q.addcmul_(node.Value.Y, alphas[i], -1);
        }

        var r = _hessianScale is null ? q : q.mul_(_hessianScale);
        i = 0;
        for (var node = _history.First; node is not null; node = node.Next, i++)
        {
            var beta = node.Value.Y.dot(r).mul_(node.Value.Rho);
            r.addcmul_(node.Value.S, alphas[i].sub_(beta), 1);
        }

        return r;
    }

    private static void Replace(ref Tensor? field, Tensor value)
    {
        field?.Dispose();
        field = value.DetachFromDisposeScope();
    }
}
