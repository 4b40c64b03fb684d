namespace NeuralStyle.Core.Tests;

/// <summary>The shared files the tests read, located through the variables that .ci/run sets.</summary>
internal static class TestEnvironment
{
    public const string WeightsVariable = "NEURALSTYLE_VGG19_WEIGHTS";
    public const string ImagesVariable = "NEURALSTYLE_TEST_IMAGES";
    public const string GoldenVariable = "NEURALSTYLE_GOLDEN";

    public static string? WeightsPath => ExistingFile(Environment.GetEnvironmentVariable(WeightsVariable));

    public static string? ImagesFolder => ExistingFolder(Environment.GetEnvironmentVariable(ImagesVariable));

    public static string? GoldenFolder => ExistingFolder(Environment.GetEnvironmentVariable(GoldenVariable));

    /// <summary>Skips the calling test, saying which variable is missing, unless the weights are available.</summary>
    public static string RequireWeights()
    {
        Skip.If(WeightsPath is null, $"{WeightsVariable} is not set to the VGG19 weights file (.ci/run sets it to ../shared/models/…).");
        return WeightsPath!;
    }

    public static string RequireImages()
    {
        Skip.If(ImagesFolder is null, $"{ImagesVariable} is not set to the test images folder (.ci/run sets it to ../shared/images).");
        return ImagesFolder!;
    }

    /// <summary>Skips the calling test unless both the images and the weights are there; returns the images folder. The runs find the weights through the variable, as the library does.</summary>
    public static string RequireImagesAndWeights()
    {
        RequireWeights();
        return RequireImages();
    }

    public static string RequireGolden()
    {
        Skip.If(GoldenFolder is null, $"{GoldenVariable} is not set to the golden values folder (.ci/run sets it to ../shared/golden).");
        return GoldenFolder!;
    }

    private static string? ExistingFile(string? path) => !string.IsNullOrEmpty(path) && File.Exists(path) ? path : null;

    private static string? ExistingFolder(string? path) => !string.IsNullOrEmpty(path) && Directory.Exists(path) ? path : null;
}
