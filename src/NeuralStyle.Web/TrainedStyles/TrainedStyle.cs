using NeuralStyle.FastStyles;

namespace NeuralStyle.Web.TrainedStyles;

/// <summary>One trained style the app offers: its id in URLs, the name the page shows, its file and the loaded model.</summary>
/// <param name="Id">The file's name without <c>.onnx</c> (letters, digits, '-' and '_'): <c>/api/styles/{id}</c>.</param>
/// <param name="Name">The name shown on the page ("starry-night" → "Starry night").</param>
/// <param name="FilePath">The <c>.onnx</c> file, which the page downloads to run the style in the browser.</param>
/// <param name="Model">The model, shared by every request.</param>
internal sealed record TrainedStyle(string Id, string Name, string FilePath, FastStyleModel Model)
{
    /// <summary>The model file's size in bytes.</summary>
    public long FileBytes { get; } = new FileInfo(FilePath).Length;
}
