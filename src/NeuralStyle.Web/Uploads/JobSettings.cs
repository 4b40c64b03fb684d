using NeuralStyle.Web.Api;
using NeuralStyle.Web.Configuration;

namespace NeuralStyle.Web.Uploads;

/// <summary>
/// The run options of a job from its form: the web's options of the <see cref="RunOptionCatalogue"/>
/// (the same the tool offers, named in camelCase: <c>size</c>, <c>styleWeight</c>; case does not
/// matter), with the tool's values (<c>precision=bfloat16</c>) and the same messages, reported under
/// the field's name. No value may name a file of the server's. The server's limits on size and
/// iterations apply on top.
/// </summary>
internal sealed class JobSettings
{
    private readonly RunOptionCatalogue _catalogue;
    private readonly Dictionary<string, RunOption> _fields;

    /// <param name="catalogue">The run options; the library's when null.</param>
    public JobSettings(RunOptionCatalogue? catalogue = null)
    {
        _catalogue = catalogue ?? RunOptionCatalogue.Default;
        _fields = _catalogue.For(OptionFronts.Web).ToDictionary(o => o.FieldName, StringComparer.OrdinalIgnoreCase);
        Names = _catalogue.For(OptionFronts.Web).Select(o => o.FieldName).ToArray();
    }

    /// <summary>The settings a job may give, in the catalogue's order, for messages and the API description.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The options a job may give, with their descriptions, for the API description.</summary>
    public IEnumerable<RunOption> Options => _catalogue.For(OptionFronts.Web);

    /// <summary>The run's options: the upload's images and settings.</summary>
    /// <exception cref="RequestRefusedException">A setting is unknown, malformed, out of the library's range or over the server's limit.</exception>
    public StyleTransferOptions ToOptions(JobUpload upload, WebAppOptions limits)
    {
        if (upload.Styles.Count == 0)
        {
            throw new RequestRefusedException(StatusCodes.Status400BadRequest, "No style image", "Choose at least one style image (file field 'styles').", JobUploadReader.StylesField);
        }

        foreach (var name in upload.Settings.Keys)
        {
            if (!_fields.ContainsKey(name))
            {
                throw new RequestRefusedException(
                    StatusCodes.Status400BadRequest,
                    "Unknown setting",
                    $"'{OptionValues.Shown(name)}' is not a setting; the settings are {string.Join(", ", Names)}.",
                    name);
            }
        }

        var options = new StyleTransferOptions
        {
            Content = ImageInput.FromImage(upload.Content),
            Styles = upload.Styles.Select(image => new StyleImage(image)).ToArray(),
        };
        foreach (var option in _catalogue.For(OptionFronts.Web))
        {
            if (upload.Settings.TryGetValue(option.FieldName, out var value) && value.Length > 0)
            {
                try
                {
                    options = option.Apply(options, value, OptionContext.Web);
                }
                catch (RunOptionException ex)
                {
                    throw new RequestRefusedException(StatusCodes.Status400BadRequest, "Invalid setting", Message(ex), option.FieldName);
                }
            }
        }

        Limit("size", options.OutputSize, limits.MaxSize);
        Limit("iterations", options.Iterations, limits.MaxIterations);
        return options;
    }

    /// <summary>An error's message in the form's terms: a leading option named by its field ("size must be …").</summary>
    public string Message(Exception ex) => _catalogue.Message(ex, option => option.FieldName, OptionFronts.Web);

    private static void Limit(string field, int value, int max)
    {
        if (value > max)
        {
            throw new RequestRefusedException(
                StatusCodes.Status400BadRequest,
                "Invalid setting",
                $"{field} must be at most {max} on this server; it was {value}.",
                field);
        }
    }
}
