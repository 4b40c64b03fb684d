using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace NeuralStyle;

/// <summary>
/// Adam (Kingma and Ba) for one image tensor. Written here rather than taken from TorchSharp so that
/// its moment estimates can be carried to the next, larger scale of a coarse-to-fine run
/// (<see cref="ContinueFrom"/>), as crowsonkb/style-transfer-pytorch does.
/// </summary>
/// <remarks>State tensors are owned here, outside any dispose scope.</remarks>
internal sealed class AdamOptimizer : IDisposable
{
    private readonly Tensor _image;
    private readonly AdamSettings _settings;
    private Tensor _firstMoment;
    private Tensor _secondMoment;
    private int _step;

    public AdamOptimizer(Tensor image, AdamSettings settings)
    {
        _image = image;
        _settings = settings;
        using (no_grad())
        {
            _firstMoment = zeros_like(image).DetachFromDisposeScope();
            _secondMoment = zeros_like(image).DetachFromDisposeScope();
        }
    }

    /// <summary>Moves the image one step; its gradient must hold the loss gradient at the current image.</summary>
    public void Step() => Step(_image.grad!);

    /// <summary>Moves the image one step along <paramref name="gradient"/>, the loss gradient at the current image.</summary>
    public void Step(Tensor gradient)
    {
        Observe(gradient);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var firstCorrection = 1 - Math.Pow(_settings.Beta1, _step);
        var secondCorrection = 1 - Math.Pow(_settings.Beta2, _step);
        var denominator = (_secondMoment / secondCorrection).sqrt_().add_(_settings.Epsilon);
        _image.addcdiv_(_firstMoment, denominator, -_settings.LearningRate / firstCorrection);
    }

    /// <summary>
    /// Adds <paramref name="gradient"/> to the moment estimates as <see cref="Step(Tensor)"/> would,
    /// without moving the image: while another optimiser moves it, so that this one can take over
    /// with moments that describe where the image is (a fresh Adam's first steps move every pixel by
    /// about the learning rate, however close the image is to a minimum).
    /// </summary>
    public void Observe(Tensor gradient)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        _step++;
        _firstMoment.mul_(_settings.Beta1).add_(gradient, 1 - _settings.Beta1);
        _secondMoment.mul_(_settings.Beta2).addcmul_(gradient, gradient, 1 - _settings.Beta2);
    }

    /// <summary>
    /// Takes over another optimiser's moments and step count, resized (bilinearly) to this image's
    /// size: the state of the previous scale of a coarse-to-fine run.
    /// </summary>
    public void ContinueFrom(AdamOptimizer previous)
    {
        using var noGrad = no_grad();
        var size = new[] { _image.shape[2], _image.shape[3] };
        Replace(ref _firstMoment, interpolate(previous._firstMoment, size, mode: InterpolationMode.Bilinear, align_corners: false));
        Replace(ref _secondMoment, interpolate(previous._secondMoment, size, mode: InterpolationMode.Bilinear, align_corners: false).clamp_min_(0));
        _step = previous._step;
    }

    /// <summary>Adds the moments and the step count to a checkpoint's state.</summary>
    public void SaveState(OptimizerState state)
    {
        state.Add("adam.first_moment", _firstMoment);
        state.Add("adam.second_moment", _secondMoment);
        state.Values["adam.step"] = _step;
    }

    /// <summary>Takes the moments and the step count from a checkpoint's state.</summary>
    public void LoadState(OptimizerState state)
    {
        Replace(ref _firstMoment, state.Get("adam.first_moment", _image.device));
        Replace(ref _secondMoment, state.Get("adam.second_moment", _image.device));
        _step = (int)state.Value("adam.step");
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
