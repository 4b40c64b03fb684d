using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace NeuralStyle;

/// <summary>
/// Adam (Kingma and Ba) for one image tensor. Written here rather than taken from TorchSharp so that
/// its moment estimates can be carried to the next, larger scale of a coarse-to-fine run
/// (<see cref="ContinueFrom"/>), as crowsonkb/style-transfer-pytorch does, and gathered while
/// another rule moves the image (<see cref="Observe"/>).
/// </summary>
/// <remarks>
/// State tensors are owned here, outside any dispose scope. Every constant is an explicit
/// <see cref="Scalar"/> disposed after the calls that use it, never an implicit
/// conversion (see <see cref="NetworkAdam"/> for why).
/// </remarks>
internal sealed class AdamRule : IUpdateRule
{
    private readonly AdamSettings _settings;
    private readonly long[] _shape;
    private Tensor _firstMoment;
    private Tensor _secondMoment;
    private int _steps;

    /// <param name="image">The image this rule will move (its shape and device).</param>
    /// <param name="settings">The learning rate, decays and epsilon.</param>
    public AdamRule(Tensor image, AdamSettings settings)
    {
        _settings = settings;
        _shape = image.shape;
        using (no_grad())
        {
            _firstMoment = zeros_like(image).DetachFromDisposeScope();
            _secondMoment = zeros_like(image).DetachFromDisposeScope();
        }
    }

    public string Name => "Adam";

    public bool IsStalled => false;

    public AdamRule Adam => this;

    public void Step(Tensor image, Tensor gradient, double loss)
    {
        Observe(gradient);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var firstCorrection = 1 - Math.Pow(_settings.Beta1, _steps);
        var secondCorrection = 1 - Math.Pow(_settings.Beta2, _steps);
        using var correction = secondCorrection.ToScalar();
        using var epsilon = _settings.Epsilon.ToScalar();
        using var one = 1.ToScalar();
        using var stepSize = (-_settings.LearningRate / firstCorrection).ToScalar();
        var denominator = _secondMoment.div(correction).sqrt_().add_(epsilon, one);
        image.addcdiv_(_firstMoment, denominator, stepSize);
    }

    /// <summary>
    /// Adds <paramref name="gradient"/> to the moment estimates as <see cref="Step"/> would, without
    /// moving the image: while another rule moves it, so that this one can take over with moments
    /// that describe where the image is (a fresh Adam's first steps move every pixel by about the
    /// learning rate, however close the image is to a minimum).
    /// </summary>
    public void Observe(Tensor gradient)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        _steps++;
        using var beta1 = _settings.Beta1.ToScalar();
        using var beta2 = _settings.Beta2.ToScalar();
        using var gradientShare = (1 - _settings.Beta1).ToScalar();
        using var squareShare = (1 - _settings.Beta2).ToScalar();
        _firstMoment.mul_(beta1).add_(gradient, gradientShare);
        _secondMoment.mul_(beta2).addcmul_(gradient, gradient, squareShare);
    }

    /// <summary>Nothing: the moments describe the gradients seen, not one image.</summary>
    public void Restart()
    {
    }

    /// <summary>
    /// Takes over the previous scale's moments and step count where it has an Adam, resized
    /// (bilinearly) to this image's size.
    /// </summary>
    public void ContinueFrom(IUpdateRule previous)
    {
        if (previous.Adam is not { } adam)
        {
            return;
        }

        using var noGrad = no_grad();
        var size = new[] { _shape[2], _shape[3] };
        Replace(ref _firstMoment, interpolate(adam._firstMoment, size, mode: InterpolationMode.Bilinear, align_corners: false));
        Replace(ref _secondMoment, interpolate(adam._secondMoment, size, mode: InterpolationMode.Bilinear, align_corners: false).clamp_min_(0));
        _steps = adam._steps;
    }

    public UpdateRuleState SaveState() => new AdamState(StateTensors.Copy(_firstMoment), StateTensors.Copy(_secondMoment), _steps);

    public void LoadState(UpdateRuleState state)
    {
        var adam = StateTensors.Expect<AdamState>(state, Name);
        Replace(ref _firstMoment, StateTensors.CopyTo(adam.FirstMoment, _firstMoment, "Adam's first moment"));
        Replace(ref _secondMoment, StateTensors.CopyTo(adam.SecondMoment, _secondMoment, "Adam's second moment"));
        _steps = adam.Steps;
    }

    /// <summary>A copy of the moments (two images' worth: small beside what the precisions' networks take).</summary>
    public UpdateRuleState HandOver() => SaveState();

    public void TakeOver(UpdateRuleState state)
    {
        LoadState(state);
        state.Dispose();
    }

    public void Dispose()
    {
        _firstMoment.Dispose();
        _secondMoment.Dispose();
    }

    private static void Replace(ref Tensor field, Tensor value)
    {
        field.Dispose();
        field = value.DetachFromDisposeScope();
    }
}
