using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>The copies that states are made of and restored from, and the checks that a state fits.</summary>
internal static class StateTensors
{
    /// <summary>A float32 CPU copy of <paramref name="tensor"/>, outside any dispose scope: what a saved state holds.</summary>
    public static Tensor Copy(Tensor tensor)
    {
        using var scope = NewDisposeScope();
        return tensor.detach().to(ScalarType.Float32).cpu().contiguous().clone().DetachFromDisposeScope();
    }

    /// <summary>A copy of <paramref name="tensor"/> if there is one.</summary>
    public static Tensor? CopyIfAny(Tensor? tensor) => tensor is null ? null : Copy(tensor);

    /// <summary>A copy of a saved tensor on <paramref name="device"/>, outside any dispose scope; the caller owns it.</summary>
    public static Tensor CopyTo(Tensor saved, Device device)
    {
        using var scope = NewDisposeScope();
        return saved.to(device).clone().DetachFromDisposeScope();
    }

    /// <summary>A copy of a saved tensor on the device of <paramref name="like"/>, which it must match in shape.</summary>
    /// <exception cref="CheckpointException">The shapes differ.</exception>
    public static Tensor CopyTo(Tensor saved, Tensor like, string what)
    {
        RequireShape(saved, like, what);
        return CopyTo(saved, like.device);
    }

    /// <summary>Refuses a saved tensor of another shape than <paramref name="like"/>.</summary>
    /// <exception cref="CheckpointException">The shapes differ.</exception>
    public static void RequireShape(Tensor saved, Tensor like, string what)
    {
        if (!saved.shape.SequenceEqual(like.shape))
        {
            throw new CheckpointException($"The checkpoint's {what} is [{string.Join(", ", saved.shape)}] but this scale's is [{string.Join(", ", like.shape)}]; it belongs to another run.");
        }
    }

    /// <summary>The state as the kind a rule takes.</summary>
    /// <exception cref="CheckpointException">It is of another rule.</exception>
    public static T Expect<T>(UpdateRuleState state, string rule)
        where T : UpdateRuleState =>
        state as T ?? throw new CheckpointException($"The checkpoint holds another optimiser's state than {rule}'s; it belongs to another run.");
}
