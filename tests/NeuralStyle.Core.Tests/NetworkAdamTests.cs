using static TorchSharp.torch;

namespace NeuralStyle.Tests;

/// <summary>
/// The training's own Adam against Kingma and Ba's update computed here in double precision from
/// the same gradients (not against TorchSharp's <c>optim.Adam</c>: run beside other tests, its
/// implicit Scalars can be freed mid-call and it returned NaN, the very fault this class avoids);
/// and its state carried through a file.
/// </summary>
public sealed class NetworkAdamTests : IDisposable
{
    private const double LearningRate = 1e-3, Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;

    private readonly string _folder = Directory.CreateTempSubdirectory("neuralstyle-adam-").FullName;

    [Fact]
    public void Each_step_is_adams_update_of_the_parameters()
    {
        using var network = Network();
        using var adam = new NetworkAdam(network.parameters(), LearningRate);
        var parameters = network.parameters().ToArray();
        var first = parameters.Select(p => new double[p.numel()]).ToArray();
        var second = parameters.Select(p => new double[p.numel()]).ToArray();

        for (var step = 1; step <= 5; step++)
        {
            using var scope = NewDisposeScope(); // every temporary freed here, on this thread, never by a finalizer
            adam.ZeroGradients();
            Loss(network, step).backward();

            var expected = new double[parameters.Length][];
            for (var i = 0; i < parameters.Length; i++)
            {
                var value = Values(parameters[i]);
                var gradient = Values(parameters[i].grad!);
                expected[i] = new double[value.Length];
                for (var j = 0; j < value.Length; j++)
                {
                    first[i][j] = (Beta1 * first[i][j]) + ((1 - Beta1) * gradient[j]);
                    second[i][j] = (Beta2 * second[i][j]) + ((1 - Beta2) * gradient[j] * gradient[j]);
                    var denominator = (Math.Sqrt(second[i][j]) / Math.Sqrt(1 - Math.Pow(Beta2, step))) + Epsilon;
                    expected[i][j] = value[j] - (LearningRate / (1 - Math.Pow(Beta1, step)) * first[i][j] / denominator);
                }
            }

            adam.Step();

            for (var i = 0; i < parameters.Length; i++)
            {
                var actual = Values(parameters[i]);
                for (var j = 0; j < actual.Length; j++)
                {
                    Assert.True(Math.Abs(actual[j] - expected[i][j]) <= 1e-6, $"step {step}, parameter {i}[{j}]: {actual[j]} against {expected[i][j]}");
                }
            }
        }
    }

    [Fact]
    public void Saved_and_loaded_state_goes_on_as_if_never_stopped()
    {
        using var straight = Network();
        using var resumed = Network();
        using var straightAdam = new NetworkAdam(straight.parameters(), 1e-3);
        for (var step = 1; step <= 4; step++)
        {
            StepOn(straight, straightAdam, step);
        }

        var path = Path.Combine(_folder, "adam.bin");
        using (var first = new NetworkAdam(resumed.parameters(), 1e-3))
        {
            StepOn(resumed, first, 1);
            StepOn(resumed, first, 2);
            first.Save(path);
        }

        using var second = new NetworkAdam(resumed.parameters(), 1e-3);
        second.Load(path);
        StepOn(resumed, second, 3);
        StepOn(resumed, second, 4);

        foreach (var (a, b) in straight.parameters().Zip(resumed.parameters()))
        {
            Assert.Equal(Values(a), Values(b));
        }
    }

    [Fact]
    public void A_damaged_state_file_is_a_checkpoint_error()
    {
        using var network = Network();
        using var adam = new NetworkAdam(network.parameters(), 1e-3);
        var path = Path.Combine(_folder, "damaged.bin");
        File.WriteAllBytes(path, [1, 2, 3]);

        var ex = Assert.Throws<CheckpointException>(() => adam.Load(path));
        Assert.Contains("afresh", ex.Message);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A small network with fixed weights (seeded).</summary>
    private static nn.Module<Tensor, Tensor> Network()
    {
        manual_seed(7);
        return nn.Sequential(nn.Linear(6, 5), nn.Tanh(), nn.Linear(5, 3));
    }

    /// <summary>A loss whose gradients differ from step to step; its tensors live in the caller's dispose scope.</summary>
    private static Tensor Loss(nn.Module<Tensor, Tensor> network, int step)
    {
        manual_seed(100 + step);
        return network.forward(rand(4, 6)).square().mean();
    }

    private static float[] Values(Tensor tensor)
    {
        using var copy = tensor.detach().cpu().clone();
        return copy.data<float>().ToArray();
    }

    private static void StepOn(nn.Module<Tensor, Tensor> network, NetworkAdam adam, int step)
    {
        using var scope = NewDisposeScope();
        adam.ZeroGradients();
        Loss(network, step).backward();
        adam.Step();
    }
}
