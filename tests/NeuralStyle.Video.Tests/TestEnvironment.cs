namespace NeuralStyle.Video.Tests;

/// <summary>The shared files the engine's tests read, through the variables .ci/run sets.</summary>
internal static class TestEnvironment
{
    /// <summary>The VGG19 weights file and the test images folder; skips the calling test when either is not set.</summary>
    public static (string Weights, string Images) RequireWeightsAndImages()
    {
        var weights = Environment.GetEnvironmentVariable("NEURALSTYLE_VGG19_WEIGHTS");
        var images = Environment.GetEnvironmentVariable("NEURALSTYLE_TEST_IMAGES");
        Skip.If(weights is null || images is null, "NEURALSTYLE_VGG19_WEIGHTS and NEURALSTYLE_TEST_IMAGES are not set (.ci/run sets them).");
        return (weights!, images!);
    }

    /// <summary>Everything an async stream yields, in order.</summary>
    public static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
