using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>
/// How an image moves from one iteration to the next: given the image, the gradient of the loss
/// there and the loss, it changes the image in place. A rule owns its state (moments, curvature
/// pairs), typed, which checkpoints save and load and which another rule of the same settings can
/// take over. The scale optimiser around it clamps the image afterwards.
/// </summary>
internal interface IUpdateRule : IDisposable
{
    /// <summary>The name of the rule that makes the next step ("Adam", "L-BFGS"), as the log says it.</summary>
    string Name { get; }

    /// <summary>Whether the rule has stopped making progress (an L-BFGS whose steps keep going uphill).</summary>
    bool IsStalled { get; }

    /// <summary>Moves <paramref name="image"/> one step.</summary>
    /// <param name="image">The image, changed in place.</param>
    /// <param name="gradient">The gradient of the loss at <paramref name="image"/>, its shape.</param>
    /// <param name="loss">The loss at <paramref name="image"/>.</param>
    void Step(Tensor image, Tensor gradient, double loss);

    /// <summary>Takes in a gradient without moving the image, as a rule does that is to take over later in the scale (Adam gathering its moments).</summary>
    void Observe(Tensor gradient);

    /// <summary>The image was put back to an earlier one: forgets what describes the image it had.</summary>
    void Restart();

    /// <summary>The Adam that steps or gathers moments in this rule, if any: what the next, larger scale's rule continues from (<see cref="ContinueFrom"/>).</summary>
    AdamRule? Adam { get; }

    /// <summary>Starts from the state of the previous scale's rule where that survives a change of size (Adam's moments, resized); otherwise nothing.</summary>
    void ContinueFrom(IUpdateRule previous);

    /// <summary>A copy of everything the next step depends on (on the CPU), for a checkpoint; the caller owns it.</summary>
    UpdateRuleState SaveState();

    /// <summary>Continues exactly from a state that <see cref="SaveState"/> of a rule with the same settings made (its tensors are copied).</summary>
    /// <exception cref="CheckpointException">The state is not of this rule's kind, or does not fit its image.</exception>
    void LoadState(UpdateRuleState state);

    /// <summary>
    /// What describes the image's loss, for a rule with the same settings that goes on with the same
    /// image in another precision (<see cref="TakeOver"/>): tensors are moved, not copied, and this
    /// rule is left as after <see cref="Restart"/>. The caller owns the state.
    /// </summary>
    UpdateRuleState HandOver();

    /// <summary>Goes on from what <see cref="HandOver"/> of a rule with the same settings gave, taking its tensors: the state must not be disposed afterwards.</summary>
    void TakeOver(UpdateRuleState state);
}
