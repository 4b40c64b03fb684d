using NeuralStyle.Imaging;

namespace NeuralStyle.Web.Uploads;

/// <summary>
/// What a job request carries: the decoded images, the settings fields by name, the files as they came
/// (what the store keeps), and the decoded images' reservation of the front end's input memory.
/// </summary>
internal sealed record JobUpload(
    RgbImage Content, IReadOnlyList<RgbImage> Styles, IReadOnlyDictionary<string, string> Settings, byte[] ContentFile, IReadOnlyList<byte[]> StyleFiles, IDisposable Memory);
