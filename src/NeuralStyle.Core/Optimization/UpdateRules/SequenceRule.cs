using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>
/// One rule for a number of iterations, then another: L-BFGS, which falls fastest early, then Adam,
/// which goes on falling where L-BFGS's later steps gain little
/// (<see cref="LbfgsSettings.SwitchToAdamAfter"/>). While the first rule steps, the second observes
/// every gradient, so that it takes over with moments that describe where the image is.
/// </summary>
internal sealed class SequenceRule : IUpdateRule
{
    private readonly IUpdateRule _first;
    private readonly IUpdateRule _then;
    private int _firstIterationsLeft;

    /// <param name="first">The rule of the first iterations (owned).</param>
    /// <param name="iterations">How many iterations it makes, at least 1.</param>
    /// <param name="then">The rule of the rest (owned).</param>
    public SequenceRule(IUpdateRule first, int iterations, IUpdateRule then)
    {
        _first = first;
        _then = then;
        _firstIterationsLeft = iterations;
    }

    public string Name => Current.Name;

    public bool IsStalled => Current.IsStalled;

    public AdamRule? Adam => _then.Adam ?? _first.Adam;

    private IUpdateRule Current => _firstIterationsLeft > 0 ? _first : _then;

    public void Step(Tensor image, Tensor gradient, double loss)
    {
        if (_firstIterationsLeft == 0)
        {
            _then.Step(image, gradient, loss);
            return;
        }

        _then.Observe(gradient);
        _first.Step(image, gradient, loss);
        if (--_firstIterationsLeft == 0)
        {
            _first.Restart(); // The second rule's turn: the first one's state (L-BFGS's curvature pairs) is freed.
        }
    }

    public void Observe(Tensor gradient)
    {
        _first.Observe(gradient);
        _then.Observe(gradient);
    }

    public void Restart()
    {
        _first.Restart();
        _then.Restart();
    }

    public void ContinueFrom(IUpdateRule previous)
    {
        _first.ContinueFrom(previous);
        _then.ContinueFrom(previous);
    }

    public UpdateRuleState SaveState() => new SequenceState(_first.SaveState(), _then.SaveState(), _firstIterationsLeft);

    public void LoadState(UpdateRuleState state)
    {
        var sequence = StateTensors.Expect<SequenceState>(state, $"{_first.Name} then {_then.Name}");
        _first.LoadState(sequence.First);
        _then.LoadState(sequence.Then);
        _firstIterationsLeft = sequence.FirstIterationsLeft;
    }

    public UpdateRuleState HandOver() => new SequenceState(_first.HandOver(), _then.HandOver(), _firstIterationsLeft);

    public void TakeOver(UpdateRuleState state)
    {
        var sequence = StateTensors.Expect<SequenceState>(state, $"{_first.Name} then {_then.Name}");
        _first.TakeOver(sequence.First);
        _then.TakeOver(sequence.Then);
        _firstIterationsLeft = sequence.FirstIterationsLeft;
    }

    public void Dispose()
    {
        _first.Dispose();
        _then.Dispose();
    }
}
