using NeuralStyle.Imaging;

namespace NeuralStyle;

/// <summary>A run's decoded and prepared inputs, and the seed it uses.</summary>
/// <param name="Content">The content at the output size.</param>
/// <param name="Styles">The styles (recoloured if asked), with their blend weights and masks.</param>
/// <param name="Initial">The start image, when the run starts from one.</param>
/// <param name="Seed">The seed of the run's randomness (given, or picked for this run).</param>
internal sealed record RunInputs(RgbImage Content, IReadOnlyList<PreparedStyle> Styles, RgbImage? Initial, int Seed)
{
    /// <summary>Decodes and prepares the images (checking that the content is large enough for the network), and fixes the seed.</summary>
    public static async Task<RunInputs> LoadAsync(StyleTransferOptions options, CancellationToken cancellationToken)
    {
        var decoded = await options.Content!.LoadAsync(options.ImageLoading, cancellationToken).ConfigureAwait(false);
        var content = InputPreparation.Content(decoded, options);
        InputPreparation.RequireLargeEnough(decoded, content, options);
        var styles = new List<PreparedStyle>(options.Styles.Count);
        for (var i = 0; i < options.Styles.Count; i++)
        {
            var style = options.Styles[i];
            var decodedStyle = await style.Image.LoadAsync(options.ImageLoading, cancellationToken).ConfigureAwait(false);
            InputPreparation.RequireStyleShape(decodedStyle, i);
            var image = InputPreparation.Style(decodedStyle, content, options);
            var mask = style.Mask is null ? null : await style.Mask.LoadAsync(options.ImageLoading, cancellationToken).ConfigureAwait(false);
            if (mask is not null)
            {
                InputPreparation.RequireNonEmptyMask(mask, i);
            }

            styles.Add(new PreparedStyle(image, style.Weight, mask));
        }

        var initial = options.Initialization.Kind == InitialImageKind.Image
            ? await options.Initialization.Image!.LoadAsync(options.ImageLoading, cancellationToken).ConfigureAwait(false)
            : null;
        return new RunInputs(content, styles, initial, options.Seed ?? Random.Shared.Next());
    }
}
