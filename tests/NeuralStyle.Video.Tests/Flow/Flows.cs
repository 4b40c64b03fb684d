using static TorchSharp.torch;

namespace NeuralStyle.Video.Tests.Flow;

/// <summary>Flows made by hand.</summary>
internal static class Flows
{
    /// <summary>Every pixel moves by (dx, dy): a 1×2×H×W flow.</summary>
    public static Tensor Constant(int height, int width, double dx, double dy) =>
        cat([full(1, 1, height, width, dx), full(1, 1, height, width, dy)], 1);
}
