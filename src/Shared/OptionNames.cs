namespace NeuralStyle;

/// <summary>
/// The names users know the library's options by, the command line's without its dashes ("size",
/// "content-weight"), and error messages rewritten in them. The CLI writes them as options
/// (<c>--size</c>), the web API as form fields (<c>size</c>, <c>contentWeight</c>).
/// </summary>
internal static class OptionNames
{
    /// <summary>The library's option names and the user-facing names that set them.</summary>
    public static IReadOnlyDictionary<string, string> ByProperty { get; } = new Dictionary<string, string>
    {
        [nameof(StyleTransferOptions.OutputSize)] = "size",
        [nameof(StyleTransferOptions.StartSize)] = "start-size",
        [nameof(StyleTransferOptions.Iterations)] = "iterations",
        [nameof(StyleTransferOptions.ContentWeight)] = "content-weight",
        [nameof(StyleTransferOptions.StyleWeight)] = "style-weight",
        [nameof(StyleTransferOptions.TotalVariationWeight)] = "tv-weight",
        [nameof(StyleTransferOptions.ContentLayers)] = "content-layers",
        [nameof(StyleTransferOptions.StyleLayers)] = "style-layers",
        [nameof(StyleTransferOptions.StyleScale)] = "style-scale",
        [nameof(StyleTransferOptions.AveragingDecay)] = "average",
        [nameof(StyleTransferOptions.OutputQuality)] = "quality",
        [nameof(StyleTransferOptions.OutputPath)] = "output",
        [nameof(LbfgsSettings.LearningRate)] = "learning-rate",
        [nameof(LbfgsSettings.SwitchToAdamAfter)] = "adam-after",
        [nameof(StyleTransferOptions.CheckpointInterval)] = "checkpoint-every",
        [nameof(StyleTransferOptions.TileSize)] = "tile-size",
        [nameof(StyleTransferOptions.Tiling)] = "tile",
        [nameof(StyleTransferOptions.MaxMemory)] = "max-memory",
    };

    /// <summary>
    /// The first line of the message, without .NET's " (Parameter 'X')" suffix, and with a leading
    /// library option name replaced by its user-facing name as <paramref name="spell"/> writes it
    /// ("OutputSize must be …" becomes "--size must be …" or "size must be …").
    /// </summary>
    public static string Message(Exception ex, Func<string, string> spell)
    {
        var message = FirstLine(ex.Message);
        if (ex is ArgumentException { ParamName: { } name })
        {
            var suffix = $" (Parameter '{name}')";
            if (message.EndsWith(suffix, StringComparison.Ordinal))
            {
                message = message[..^suffix.Length];
            }

            if (ByProperty.TryGetValue(name, out var option) && message.StartsWith(name + " ", StringComparison.Ordinal))
            {
                message = spell(option) + message[name.Length..];
            }
        }

        return message;
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return (end < 0 ? text : text[..end]).TrimEnd();
    }
}
