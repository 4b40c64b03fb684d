using System.Text.Json.Serialization;

namespace NeuralStyle;

/// <summary>
/// An update rule's state, typed: what its next step depends on besides the image and its gradient.
/// Owns its tensors. Checkpoints store it as it is (<see cref="RunCheckpoint"/>).
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "rule")]
[JsonDerivedType(typeof(AdamState), "adam")]
[JsonDerivedType(typeof(LbfgsState), "lbfgs")]
[JsonDerivedType(typeof(SequenceState), "sequence")]
internal abstract record UpdateRuleState : IDisposable
{
    /// <summary>Releases the tensors.</summary>
    public abstract void Dispose();
}
