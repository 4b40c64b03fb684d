using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using NeuralStyle.FastStyles;
using NeuralStyle.Web.Configuration;

namespace NeuralStyle.Web.TrainedStyles;

/// <summary>
/// The trained styles the app offers: every <c>.onnx</c> file in <see cref="WebAppOptions.TrainedStylesFolder"/>,
/// loaded once at start-up and shared by all requests (each model computes one picture at a time;
/// others wait their turn). A file that is not a trained style is logged and left out; the app serves the rest.
/// </summary>
internal sealed partial class TrainedStyleCatalogue : IDisposable
{
    private readonly Dictionary<string, TrainedStyle> _byId;

    public TrainedStyleCatalogue(IOptions<WebAppOptions> options, ILogger<TrainedStyleCatalogue> logger)
    {
        var folder = options.Value.ResolvedTrainedStylesFolder;
        var styles = new List<TrainedStyle>();
        if (Directory.Exists(folder))
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*.onnx").Order(StringComparer.Ordinal))
            {
                var id = Path.GetFileNameWithoutExtension(file);
                if (!IdPattern().IsMatch(id))
                {
                    logger.LogWarning("Trained style {File} left out: its name must be letters, digits, '-' and '_' (it is its id in URLs).", file);
                    continue;
                }

                try
                {
                    styles.Add(new TrainedStyle(id, DisplayName(id), file, FastStyleModel.Load(file)));
                }
                catch (FastStyleModelException ex)
                {
                    logger.LogWarning("Trained style {File} left out: {Reason}", file, ex.Message);
                }
            }
        }

        Styles = styles;
        _byId = styles.ToDictionary(s => s.Id, StringComparer.OrdinalIgnoreCase);
        logger.LogInformation("{Count} trained style(s) from {Folder}", styles.Count, folder);
    }

    /// <summary>The styles, in the order of their ids.</summary>
    public IReadOnlyList<TrainedStyle> Styles { get; }

    /// <summary>The style with this id (case does not matter), or null.</summary>
    public TrainedStyle? Find(string id) => _byId.GetValueOrDefault(id);

    public void Dispose()
    {
        foreach (var style in Styles)
        {
            style.Model.Dispose();
        }
    }

    /// <summary>"starry-night" → "Starry night".</summary>
    private static string DisplayName(string id)
    {
        var words = id.Replace('_', ' ').Replace('-', ' ');
        return char.ToUpperInvariant(words[0]) + words[1..];
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex IdPattern();
}
