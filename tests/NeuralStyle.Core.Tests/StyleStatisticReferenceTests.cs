using System.Diagnostics;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Core.Tests;

/// <summary>
/// The style statistics' losses and their gradients against an independent implementation in PyTorch
/// (Reference/style_statistics.py, run by Debian's python3-torch; .ci/run installs it), in float64 on
/// random features: square roots there come from an eigendecomposition, covariances from centred
/// features, gradients from PyTorch's autograd.
/// </summary>
public sealed class StyleStatisticReferenceTests
{
    /// <summary>Debian's own Python, where python3-torch installs (a python3 earlier on the PATH may be another).</summary>
    private const string Python = "/usr/bin/python3";

    [SkippableFact]
    public void Every_loss_and_its_gradient_match_pytorch()
    {
        Skip.IfNot(Run("-c", "import torch", string.Empty).ExitCode == 0, "python3-torch is not installed (apt-get install python3-torch; .ci/run installs it).");
        using var scope = NewDisposeScope();
        var generator = new Generator(2026);
        Tensor Random(params long[] shape) => randn(shape, dtype: float64, generator: generator);
        var directions = LossFunctions.RandomDirections(5, 7, new Generator(9)).to(float64);
        var cases = new List<Case>
        {
            new("scaled_mse", Random(2, 3, 4), Random(2, 3, 4), null, true, (x, t) => LossFunctions.ScaledSquaredError(x, t), 1e-9),
            new("gram_scaled_mse", Random(1, 4, 5, 6), Random(1, 4, 3, 7), null, true, (x, t) => LossFunctions.ScaledSquaredError(LossFunctions.GramMatrix(x), LossFunctions.GramMatrix(t)), 1e-9),
        };
        foreach (var scaled in new[] { false, true })
        {
            // Features with unequal channel scales, so that the covariances' eigenvalues spread as a network's do.
            var scales = tensor(new double[] { 0.5, 1, 2, 3, 4, 6 }).view(1, 6, 1, 1);
            cases.Add(new("wasserstein", Random(1, 6, 5, 7) * scales, (Random(1, 6, 6, 6) * scales) + 0.5, null, scaled, (x, t) => Wasserstein(x, t, scaled), 1e-6));
            cases.Add(new("sliced", Random(1, 5, 4, 4), Random(1, 5, 2, 8), directions, scaled, (x, t) => LossFunctions.SlicedWassersteinLayerLoss(x, t, directions, scaled), 1e-9));
        }

        var reference = Reference(cases);

        for (var i = 0; i < cases.Count; i++)
        {
            var c = cases[i];
            var input = c.Input.detach().clone().requires_grad_(true);
            var loss = c.Ours(input, c.Target);
            loss.backward();
            var gradient = input.grad!.data<double>().ToArray();
            var (value, expectedGradient) = reference[i];
            var label = $"{c.Op}{(c.Scaled ? " scaled" : string.Empty)}";
            Assert.True(Math.Abs(loss.item<double>() - value) <= c.Tolerance * Math.Abs(value), $"{label}: ours {loss.item<double>()}, PyTorch {value}");
            var largest = expectedGradient.Max(Math.Abs);
            var worst = gradient.Zip(expectedGradient, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(worst <= c.Tolerance * 10 * largest, $"{label}: gradients differ by {worst:E2} of {largest:E2}");
        }
    }

    /// <summary>Ours, as the style term computes it: Gaussian fits of both, 40 Newton–Schulz iterations.</summary>
    private static Tensor Wasserstein(Tensor features, Tensor target, bool scaled)
    {
        var (mean, covariance) = LossFunctions.GaussianFit(features);
        var (targetMean, targetCovariance) = LossFunctions.GaussianFit(target);
        return LossFunctions.WassersteinStyleLayerLoss(mean, covariance, targetMean, targetCovariance, iterations: 40, scaled: scaled);
    }

    private static List<(double Value, double[] Gradient)> Reference(IReadOnlyList<Case> cases)
    {
        static object Spec(Tensor t) => new { shape = t.shape, data = t.contiguous().data<double>().ToArray() };
        var request = JsonSerializer.Serialize(cases.Select(c => new
        {
            op = c.Op,
            input = Spec(c.Input),
            target = Spec(c.Target),
            directions = c.Directions is null ? null : Spec(c.Directions),
            normalization = c.Scaled ? "gradient" : "none",
        }));
        var script = Path.Combine(AppContext.BaseDirectory, "Reference", "style_statistics.py");
        var (exitCode, output) = Run(script, null, request);
        Assert.True(exitCode == 0, $"the PyTorch reference failed: {output}");
        return JsonDocument.Parse(output).RootElement.EnumerateArray()
            .Select(r => (r.GetProperty("value").GetDouble(), r.GetProperty("gradient").EnumerateArray().Select(g => g.GetDouble()).ToArray()))
            .ToList();
    }

    private static (int ExitCode, string Output) Run(string first, string? second, string input)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(first);
        if (second is not null)
        {
            start.ArgumentList.Add(second);
        }

        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            process.StandardInput.Write(input);
            process.StandardInput.Close();
            process.WaitForExit();
            return (process.ExitCode, process.ExitCode == 0 ? output.Result : error.Result);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, ex.Message);
        }
    }

    private sealed record Case(string Op, Tensor Input, Tensor Target, Tensor? Directions, bool Scaled, Func<Tensor, Tensor, Tensor> Ours, double Tolerance);
}
