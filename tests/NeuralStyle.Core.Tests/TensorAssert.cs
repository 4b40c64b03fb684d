using static TorchSharp.torch;

namespace NeuralStyle.Core.Tests;

/// <summary>Assertions on tensors: element-wise closeness, and autograd's gradient against finite differences.</summary>
internal static class TensorAssert
{
    public static void Close(double[] expected, Tensor actual, double tolerance)
    {
        var values = actual.to(float64).data<double>().ToArray();
        Assert.Equal(expected.Length, values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - values[i]) <= tolerance, $"element {i}: expected {expected[i]}, got {values[i]}");
        }
    }

    /// <summary>Autograd's gradient against central differences, element by element, in float64.</summary>
    public static void GradientMatchesFiniteDifferences(Func<Tensor, Tensor> loss, Tensor at, double relativeTolerance)
    {
        var input = at.detach().clone().requires_grad_(true);
        loss(input).backward();
        var gradient = input.grad!.data<double>().ToArray();
        var values = at.detach().clone();
        const double Step = 1e-6;
        for (var i = 0; i < gradient.Length; i++)
        {
            var flat = values.view(-1);
            var original = flat[i].item<double>();
            flat[i] = original + Step;
            var up = loss(values).item<double>();
            flat[i] = original - Step;
            var down = loss(values).item<double>();
            flat[i] = original;
            var numeric = (up - down) / (2 * Step);
            Assert.True(
                Math.Abs(numeric - gradient[i]) <= relativeTolerance * Math.Max(1, Math.Abs(numeric)),
                $"element {i}: finite differences {numeric}, autograd {gradient[i]}");
        }
    }
}
