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
/// length's effect on the loss is recorded in docs/performance.md.
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
internal sealed class LbfgsOptimizer : IDisposable
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

    private readonly Tensor _image;
    private readonly double _learningRate;
    private readonly int _historySize;
    private readonly LinkedList<(Tensor S, Tensor Y, Tensor Rho)> _history = new();
    private Tensor? _previousGradient;
    private Tensor? _previousImage;
    private Tensor? _hessianScale;
    private double? _acceptedLoss;
    private int _retreats;

    /// <summary>The outcome of each of the last <see cref="StallWindow"/> steps, newest in bit 0: 1 where the step was taken back.</summary>
    private ulong _recentRejections;

    public LbfgsOptimizer(Tensor image, double learningRate, int historySize)
    {
        _image = image;
        _learningRate = learningRate;
        _historySize = historySize;
    }

    /// <summary>
    /// Whether the optimiser has stopped making progress: at least <see cref="StallRejections"/> of
    /// the last <see cref="StallWindow"/> steps went uphill and were taken back, or the last
    /// <see cref="MaxRetreats"/> steps all were, so that one more uphill step would clear the
    /// curvature pairs (an optimiser that takes over sees this before they are lost). With exact
    /// gradients that hardly happens before the loss has settled; in bfloat16 it is the sign that
    /// the rounding noise of the gradients has caught up with what is left to gain.
    /// </summary>
    public bool IsStalled => ulong.PopCount(_recentRejections & StallWindowMask) >= StallRejections || _retreats >= MaxRetreats;

    /// <summary>
    /// Moves the image one step along the L-BFGS direction, or, when <paramref name="loss"/> shows
    /// that the last step went uphill, takes that step back and makes it shorter. The image's
    /// gradient must hold the gradient of the loss at the current image (call backward first).
    /// </summary>
    /// <param name="loss">The loss at the current image.</param>
    public void Step(double loss)
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
                var lastAccepted = rejectedFrom.view_as(_image);
                _image.sub_(lastAccepted).mul_(RetreatFactor).add_(lastAccepted);
                return;
            }

            ClearHistory(); // Still uphill after many retreats: the curvature estimate is no good; start afresh from here.
        }

        _retreats = 0;
        _acceptedLoss = loss;
        var gradient = _image.grad!.detach().flatten().clone();
        var image = _image.detach().flatten().clone();

        if (_previousGradient is not null && _previousImage is not null)
        {
            Remember(image - _previousImage, gradient - _previousGradient);
        }

        var direction = Direction(gradient);
        var stepSize = _previousGradient is null && _history.Count == 0
            ? FirstStepLength / Math.Max(gradient.abs().max().item<float>(), float.Epsilon) * _learningRate
            : _learningRate;

        Replace(ref _previousGradient, gradient);
        Replace(ref _previousImage, image);
        if (gradient.dot(direction).item<float>() >= 0)
        {
            return; // Not a descent direction (numerical trouble): skip the update.
        }

        _image.add_(direction.view_as(_image), stepSize);
    }

    /// <summary>Forgets everything: the next step is a first step from wherever the image now is.</summary>
    public void Restart()
    {
        ClearHistory();
        _acceptedLoss = null;
        _retreats = 0;
        _recentRejections = 0;
    }

    /// <summary>
    /// Hands the curvature pairs to the caller, for an optimiser that goes on with the same image in
    /// another precision (<see cref="AdoptCurvature"/>); this one is left as after <see cref="Restart"/>.
    /// </summary>
    public LbfgsCurvature TakeCurvature()
    {
        var curvature = new LbfgsCurvature(new LinkedList<(Tensor S, Tensor Y, Tensor Rho)>(_history), _hessianScale);
        _history.Clear();
        _hessianScale = null;
        Restart();
        return curvature;
    }

    /// <summary>
    /// Starts from another optimiser's curvature pairs (<see cref="TakeCurvature"/>) instead of from
    /// nothing: everything else is as after <see cref="Restart"/>, so the next step's loss is accepted
    /// as it comes, and that step is a quasi-Newton step of the learning rate rather than a first
    /// gradient step. Pairs beyond the history size are dropped, oldest first.
    /// </summary>
    public void AdoptCurvature(LbfgsCurvature curvature)
    {
        Restart();
        var (pairs, hessianScale) = curvature.Release();
        while (pairs.Count > _historySize)
        {
            LbfgsCurvature.DisposePair(pairs.First!.Value);
            pairs.RemoveFirst();
        }

        foreach (var pair in pairs)
        {
            _history.AddLast(pair);
        }

        _hessianScale = hessianScale;
    }

    /// <summary>Adds the curvature pairs, the last point and the step bookkeeping to a checkpoint's state.</summary>
    public void SaveState(OptimizerState state)
    {
        var i = 0;
        foreach (var (s, y, rho) in _history)
        {
            state.Add($"lbfgs.pair{i:D4}.s", s);
            state.Add($"lbfgs.pair{i:D4}.y", y);
            state.Add($"lbfgs.pair{i:D4}.rho", rho);
            i++;
        }

        state.Values["lbfgs.pairs"] = _history.Count;
        AddIfPresent(state, "lbfgs.previous_gradient", _previousGradient);
        AddIfPresent(state, "lbfgs.previous_image", _previousImage);
        AddIfPresent(state, "lbfgs.hessian_scale", _hessianScale);
        state.Values["lbfgs.accepted_loss"] = _acceptedLoss ?? double.NaN;
        state.Values["lbfgs.retreats"] = _retreats;
        state.Values["lbfgs.recent_rejections"] = _recentRejections & StallWindowMask; // at most 2^40: exact in a double
    }

    /// <summary>Replaces everything with a checkpoint's state.</summary>
    public void LoadState(OptimizerState state)
    {
        Restart();
        var device = _image.device;
        var pairs = (int)state.Value("lbfgs.pairs");
        for (var i = 0; i < pairs; i++)
        {
            _history.AddLast((state.Get($"lbfgs.pair{i:D4}.s", device), state.Get($"lbfgs.pair{i:D4}.y", device), state.Get($"lbfgs.pair{i:D4}.rho", device)));
        }

        _previousGradient = state.Has("lbfgs.previous_gradient") ? state.Get("lbfgs.previous_gradient", device) : null;
        _previousImage = state.Has("lbfgs.previous_image") ? state.Get("lbfgs.previous_image", device) : null;
        _hessianScale = state.Has("lbfgs.hessian_scale") ? state.Get("lbfgs.hessian_scale", device) : null;
        var accepted = state.Value("lbfgs.accepted_loss");
        _acceptedLoss = double.IsNaN(accepted) ? null : accepted;
        _retreats = (int)state.Value("lbfgs.retreats");
        _recentRejections = state.Values.ContainsKey("lbfgs.recent_rejections") ? (ulong)state.Value("lbfgs.recent_rejections") : 0;
    }

    public void Dispose() => ClearHistory();

    private static void AddIfPresent(OptimizerState state, string name, Tensor? tensor)
    {
        if (tensor is not null)
        {
            state.Add(name, tensor);
        }
    }

    /// <summary>Forgets the curvature pairs and the last point, so that the next step is a first step again (a gradient step of <see cref="FirstStepLength"/>).</summary>
    private void ClearHistory()
    {
        foreach (var pair in _history)
        {
            LbfgsCurvature.DisposePair(pair);
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
            LbfgsCurvature.DisposePair(_history.First!.Value);
            _history.RemoveFirst();
        }

        _history.AddLast((s.DetachFromDisposeScope(), y.DetachFromDisposeScope(), ys.reciprocal().DetachFromDisposeScope()));
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
