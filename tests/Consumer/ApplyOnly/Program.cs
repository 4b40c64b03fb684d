using NeuralStyle.FastStyles;
using NeuralStyle.Imaging;

// Usage: ApplyOnly MODEL PHOTO OUTPUT
using var model = FastStyleModel.Load(args[0]);
var photo = (await RgbImage.LoadAsync(args[1])).ResizeToFit(256);
var stylised = await model.ApplyAsync(photo);
await stylised.SaveAsync(args[2]);

var written = RgbImage.Load(args[2]);
var changed = 0L;
for (var i = 0; i < photo.Pixels.Length; i++)
{
    changed += Math.Abs(photo.Pixels[i] - written.Pixels[i]);
}

if ((written.Width, written.Height) != (photo.Width, photo.Height) || changed / (double)photo.Pixels.Length < 10)
{
    Console.Error.WriteLine("consumer: the stylised picture is not the photo's size, or hardly differs from the photo");
    return 1;
}

Console.WriteLine($"consumer: applied {Path.GetFileName(args[0])} on ONNX Runtime alone: {written.Width}×{written.Height}, {changed / (double)photo.Pixels.Length:F1} levels from the photo on average");
return 0;
