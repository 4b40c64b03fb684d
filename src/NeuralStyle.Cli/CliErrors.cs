namespace NeuralStyle.Cli;

/// <summary>Error messages as the tool prints them: one line, speaking of the command line's options.</summary>
internal static class CliErrors
{
    /// <summary>The library's option names and the command-line options that set them.</summary>
    private static readonly Dictionary<string, string> OptionNames = new()
    {
        [nameof(StyleTransferOptions.OutputSize)] = "--size",
        [nameof(StyleTransferOptions.StartSize)] = "--start-size",
        [nameof(StyleTransferOptions.Iterations)] = "--iterations",
        [nameof(StyleTransferOptions.ContentWeight)] = "--content-weight",
        [nameof(StyleTransferOptions.StyleWeight)] = "--style-weight",
        [nameof(StyleTransferOptions.TotalVariationWeight)] = "--tv-weight",
        [nameof(StyleTransferOptions.ContentLayers)] = "--content-layers",
        [nameof(StyleTransferOptions.StyleLayers)] = "--style-layers",
        [nameof(StyleTransferOptions.StyleScale)] = "--style-scale",
        [nameof(StyleTransferOptions.AveragingDecay)] = "--average",
        [nameof(StyleTransferOptions.OutputQuality)] = "--quality",
        [nameof(StyleTransferOptions.OutputPath)] = "--output",
        [nameof(LbfgsSettings.LearningRate)] = "--learning-rate",
        [nameof(StyleTransferOptions.CheckpointInterval)] = "--checkpoint-every",
    };

    /// <summary>Runs <paramref name="build"/>, rethrowing an <see cref="ArgumentException"/> with the message in the command line's terms.</summary>
    public static T UnderOptionNames<T>(Func<T> build)
    {
        try
        {
            return build();
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException(Message(ex), ex);
        }
    }

    /// <summary>
    /// The first line of the message, without .NET's " (Parameter 'X')" suffix, and with a leading
    /// library option name replaced by its command-line option ("OutputSize must be …" becomes "--size must be …").
    /// </summary>
    public static string Message(Exception ex)
    {
        var message = FirstLine(ex.Message);
        if (ex is ArgumentException { ParamName: { } name })
        {
            var suffix = $" (Parameter '{name}')";
            if (message.EndsWith(suffix, StringComparison.Ordinal))
            {
                message = message[..^suffix.Length];
            }

            if (OptionNames.TryGetValue(name, out var option) && message.StartsWith(name + " ", StringComparison.Ordinal))
            {
                message = option + message[name.Length..];
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
