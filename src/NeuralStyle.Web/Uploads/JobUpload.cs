using NeuralStyle.Imaging;

namespace NeuralStyle.Web.Uploads;

/// <summary>What a job request carries: the decoded images and the settings fields, by name.</summary>
internal sealed record JobUpload(RgbImage Content, IReadOnlyList<RgbImage> Styles, IReadOnlyDictionary<string, string> Settings);
