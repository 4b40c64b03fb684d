namespace NeuralStyle.Core.Tests;

/// <summary>One VGG19 extractor for the whole test run (loading the weights takes a moment).</summary>
internal static class SharedExtractor
{
    private static readonly Lazy<Vgg19FeatureExtractor> Instance = new(() => Vgg19FeatureExtractor.FromFile(TestEnvironment.WeightsPath!));

    public static Vgg19FeatureExtractor Get()
    {
        TestEnvironment.RequireWeights();
        return Instance.Value;
    }
}
