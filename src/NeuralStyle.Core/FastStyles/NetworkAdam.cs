using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>
/// Adam (Kingma and Ba) over a network's parameters: the same arithmetic, in the same order, as
/// TorchSharp's <c>optim.Adam</c> (run alone, a step gave the same bits), written here because that one
/// passes every constant as an implicitly converted <see cref="Scalar"/> it never keeps alive. A
/// Scalar owns native memory and has a finalizer; once its handle is read, nothing holds it, so a
/// garbage collection during the native call may free it while libtorch still reads it. That
/// happened twice in training runs on a busy machine ("Expected false to be true" from
/// <c>Scalar::toFloat</c> inside <c>add_</c>). Here every Scalar is a local that is disposed only
/// after the calls that use it.
/// </summary>
/// <remarks>The moments are owned here, outside any dispose scope; <see cref="Save"/> and <see cref="Load"/> carry them and the step count across a checkpoint.</remarks>
internal sealed class NetworkAdam : IDisposable
{
    private const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;

    private readonly Parameter[] _parameters;
    private readonly Tensor[] _firstMoments;
    private readonly Tensor[] _secondMoments;
    private readonly double _learningRate;
    private long _steps;

    /// <param name="parameters">The parameters to move (not owned).</param>
    /// <param name="learningRate">Adam's step size.</param>
    public NetworkAdam(IEnumerable<Parameter> parameters, double learningRate)
    {
        _parameters = parameters.ToArray();
        _learningRate = learningRate;
        using (no_grad())
        {
            _firstMoments = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
            _secondMoments = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        }
    }

    /// <summary>Clears the parameters' gradients before a backward pass.</summary>
    public void ZeroGradients()
    {
        foreach (var parameter in _parameters)
        {
            using var gradient = parameter.grad;
            gradient?.zero_();
        }
    }

    /// <summary>One step along the parameters' gradients.</summary>
    public void Step()
    {
        _steps++;
        var firstCorrection = 1 - Math.Pow(Beta1, _steps);
        var secondCorrection = 1 - Math.Pow(Beta2, _steps);
        using var beta1 = Beta1.ToScalar();
        using var beta2 = Beta2.ToScalar();
        using var gradientShare = (1 - Beta1).ToScalar();
        using var squareShare = (1 - Beta2).ToScalar();
        using var correction = Math.Sqrt(secondCorrection).ToScalar();
        using var epsilon = Epsilon.ToScalar();
        using var one = 1.ToScalar();
        using var stepSize = (-_learningRate / firstCorrection).ToScalar();
        using var noGrad = no_grad();
        for (var i = 0; i < _parameters.Length; i++)
        {
            using var gradient = _parameters[i].grad;
            if (gradient is null)
            {
                continue;
            }

            _firstMoments[i].mul_(beta1).add_(gradient, gradientShare);
            _secondMoments[i].mul_(beta2).addcmul_(gradient, gradient, squareShare);
            using var denominator = _secondMoments[i].sqrt();
            denominator.div_(correction).add_(epsilon, one);
            _parameters[i].addcdiv_(_firstMoments[i], denominator, stepSize);
        }
    }

    /// <summary>Writes the step count and the moments.</summary>
    public void Save(string path)
    {
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write(_steps);
        writer.Write(_parameters.Length);
        for (var i = 0; i < _parameters.Length; i++)
        {
            _firstMoments[i].Save(writer);
            _secondMoments[i].Save(writer);
        }
    }

    /// <summary>Reads what <see cref="Save"/> wrote for a network of the same shape.</summary>
    /// <exception cref="CheckpointException">The file is of another network, or damaged.</exception>
    public void Load(string path)
    {
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path));
            var steps = reader.ReadInt64();
            if (reader.ReadInt32() != _parameters.Length)
            {
                throw new CheckpointException($"The optimiser state '{path}' is of another network; start the training afresh.");
            }

            for (var i = 0; i < _parameters.Length; i++)
            {
                _firstMoments[i].Load(reader);
                _secondMoments[i].Load(reader);
            }

            _steps = steps;
        }
        catch (Exception ex) when (ex is EndOfStreamException or ArgumentException or IOException and not FileNotFoundException)
        {
            throw new CheckpointException($"The optimiser state '{path}' is damaged or was written by an older version; start the training afresh.", ex);
        }
    }

    public void Dispose()
    {
        foreach (var moment in _firstMoments.Concat(_secondMoments))
        {
            moment.Dispose();
        }
    }
}
