using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>
/// An optimiser's state as named float32 tensors (copies on the CPU, owned here) and named numbers:
/// what a checkpoint stores, and what an optimiser is restored from.
/// </summary>
internal sealed class OptimizerState : IDisposable
{
    private readonly Dictionary<string, Tensor> _tensors = new(StringComparer.Ordinal);

    /// <summary>The tensors by name.</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors => _tensors;

    /// <summary>The numbers by name.</summary>
    public Dictionary<string, double> Values { get; } = new(StringComparer.Ordinal);

    /// <summary>Stores a float32 CPU copy of <paramref name="tensor"/> under <paramref name="name"/>.</summary>
    public void Add(string name, Tensor tensor)
    {
        using var scope = NewDisposeScope();
        _tensors[name] = tensor.detach().to(ScalarType.Float32).cpu().clone().DetachFromDisposeScope();
    }

    /// <summary>Stores a tensor that is already a contiguous float32 CPU tensor owned by nobody else.</summary>
    public void AddOwned(string name, Tensor tensor) => _tensors[name] = tensor;

    /// <summary>The tensor stored under <paramref name="name"/>, copied to <paramref name="device"/>; the caller owns it.</summary>
    /// <exception cref="CheckpointException">There is no such tensor.</exception>
    public Tensor Get(string name, Device device)
    {
        if (!_tensors.TryGetValue(name, out var stored))
        {
            throw new CheckpointException($"The checkpoint lacks the optimiser state '{name}'; it is damaged or from another version.");
        }

        using var scope = NewDisposeScope();
        return stored.to(device).clone().DetachFromDisposeScope();
    }

    /// <summary>Whether a tensor is stored under <paramref name="name"/>.</summary>
    public bool Has(string name) => _tensors.ContainsKey(name);

    /// <summary>The number stored under <paramref name="name"/>.</summary>
    /// <exception cref="CheckpointException">There is no such number.</exception>
    public double Value(string name) =>
        Values.TryGetValue(name, out var value)
            ? value
            : throw new CheckpointException($"The checkpoint lacks the optimiser value '{name}'; it is damaged or from another version.");

    public void Dispose()
    {
        foreach (var tensor in _tensors.Values)
        {
            tensor.Dispose();
        }

        _tensors.Clear();
    }
}
