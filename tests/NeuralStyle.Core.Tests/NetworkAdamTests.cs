using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Tests;

/// <summary>
/// The training's own Adam against TorchSharp's <c>optim.Adam</c> (an independent implementation of
/// the same update): the same parameters after the same gradients, to the bit; and its state carried
/// through a file.
/// </summary>
public sealed class NetworkAdamTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("neuralstyle-adam-").FullName;

    [Fact]
    public void Its_steps_give_torchsharps_adam_parameters_to_the_bit()
    {
        using var ours = Network();
        using var theirs = Network();
        using var adam = new NetworkAdam(ours.parameters(), 1e-3);
        using var reference = optim.Adam(theirs.parameters(), 1e-3);

        for (var step = 1; step <= 5; step++)
        {
            adam.ZeroGradients();
            reference.zero_grad();
            Loss(ours, step).backward();
            Loss(theirs, step).backward();
            adam.Step();
            reference.step();
        }

        foreach (var (mine, other) in ours.parameters().Zip(theirs.parameters()))
        {
            Assert.Equal(Values(other), Values(mine)); // to the bit
        }

        using var initial = Network();
        Assert.NotEqual(Values(initial.parameters().First()), Values(ours.parameters().First())); // the steps moved them
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

    /// <summary>A small convolutional network with fixed weights (seeded).</summary>
    private static nn.Module<Tensor, Tensor> Network()
    {
        manual_seed(7);
        return nn.Sequential(nn.Conv2d(3, 4, 3, padding: 1), nn.ReLU(), nn.Conv2d(4, 3, 3, padding: 1));
    }

    /// <summary>A loss whose gradients differ from step to step.</summary>
    private static Tensor Loss(nn.Module<Tensor, Tensor> network, int step)
    {
        manual_seed(100 + step);
        using var input = rand(2, 3, 8, 8);
        return network.forward(input).square().mean();
    }

    private static float[] Values(Tensor parameter) => parameter.detach().data<float>().ToArray();

    private static void StepOn(nn.Module<Tensor, Tensor> network, NetworkAdam adam, int step)
    {
        adam.ZeroGradients();
        using var loss = Loss(network, step);
        loss.backward();
        adam.Step();
    }
}
