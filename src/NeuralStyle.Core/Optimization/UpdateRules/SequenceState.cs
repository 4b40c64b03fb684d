namespace NeuralStyle;

/// <summary>The state of a rule that steps with one rule for a number of iterations, then with another (<see cref="SequenceRule"/>).</summary>
/// <param name="First">The first rule's state.</param>
/// <param name="Then">The second rule's state (moments it has gathered while the first stepped).</param>
/// <param name="FirstIterationsLeft">The iterations left before the second takes over; 0 once it has.</param>
internal sealed record SequenceState(UpdateRuleState First, UpdateRuleState Then, int FirstIterationsLeft) : UpdateRuleState
{
    public override void Dispose()
    {
        First.Dispose();
        Then.Dispose();
    }
}
