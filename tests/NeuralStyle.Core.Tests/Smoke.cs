namespace NeuralStyle.Core.Tests;
public class Smoke { [Fact] public void T() { using var t = TorchSharp.torch.ones(2); Assert.Equal(2f, t.sum().item<float>()); } }
