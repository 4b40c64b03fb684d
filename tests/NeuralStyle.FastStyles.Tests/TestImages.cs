namespace NeuralStyle.FastStyles.Tests;

/// <summary>The shared photos, located through the variable that .ci/run sets.</summary>
internal static class TestImages
{
    public const string Variable = "NEURALSTYLE_TEST_IMAGES";

    public static string Require()
    {
        var folder = Environment.GetEnvironmentVariable(Variable);
        Skip.If(string.IsNullOrEmpty(folder) || !Directory.Exists(folder), $"{Variable} is not set to the test images folder (.ci/run sets it to ../shared/images).");
        return folder!;
    }
}
