namespace NeuralStyle;

/// <summary>Where the network runs.</summary>
public enum ComputeDevice
{
    /// <summary>The CPU (the default; always available).</summary>
    Cpu,

    /// <summary>An NVIDIA GPU through CUDA; needs a libtorch-cuda package and a driver.</summary>
    Cuda,
}
