using NeuralStyle.Imaging;

namespace NeuralStyle.Web.Uploads;

/// <summary>What a job request carries: the decoded images, the settings fields by name, and the images' reservation of the server's input memory.</summary>
internal sealed record JobUpload(RgbImage Content, IReadOnlyList<RgbImage> Styles, IReadOnlyDictionary<string, string> Settings, IDisposable Memory);
