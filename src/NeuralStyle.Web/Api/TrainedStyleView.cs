namespace NeuralStyle.Web.Api;

/// <summary>A trained style as <c>GET /api/styles</c> lists it.</summary>
/// <param name="Id">Its id in URLs.</param>
/// <param name="Name">The name the page shows.</param>
/// <param name="ModelUrl">The ONNX model, for running the style in the browser.</param>
/// <param name="ModelBytes">The model's size in bytes.</param>
/// <param name="ApplyUrl">Where to <c>POST</c> a photo to have it stylised on the server.</param>
internal sealed record TrainedStyleView(string Id, string Name, string ModelUrl, long ModelBytes, string ApplyUrl);
