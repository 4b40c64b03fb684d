namespace NeuralStyle.Web.Api;

/// <summary>
/// The [content weight, style weight] a job takes when its form sets neither, for each loss
/// normalisation and style statistic as the form spells them (<c>none</c> → <c>gram</c> → [1e4, 0.01]):
/// the library's own defaults, which the page's strength control multiplies.
/// </summary>
internal static class StartingWeightsView
{
    public static Dictionary<string, Dictionary<string, double[]>> Of(RunOptionCatalogue catalogue)
    {
        var statistic = catalogue.Entries.Single(e => e.Property == nameof(StyleTransferOptions.StyleStatistic));
        var normalization = catalogue.Entries.Single(e => e.Property == nameof(StyleTransferOptions.LossNormalization));
        return normalization.Completions.ToDictionary(
            n => n,
            n => statistic.Completions.ToDictionary(
                s => s,
                s =>
                {
                    var options = normalization.Apply(statistic.Apply(new StyleTransferOptions(), s, OptionContext.Web), n, OptionContext.Web);
                    return new[] { options.ContentWeight, options.StyleWeight };
                }));
    }
}
