using NeuralStyle;
using NeuralStyle.Imaging;

// Usage: Consumer CONTENT STYLE OUTPUT WEIGHTS
var result = await StyleTransfer.RunAsync(
    new StyleTransferOptions
    {
        Content = args[0],
        Styles = [args[1]],
        OutputPath = args[2],
        OutputSize = 64,
        Iterations = 5,
    },
    new StyleTransferEngineOptions { WeightsPath = args[3] });

var written = RgbImage.Load(args[2]);
if (written.Width != 64 || !written.Pixels.SequenceEqual(result.Image.Pixels) || !(result.FinalLosses.Style < result.LossHistory[0].Style))
{
    Console.Error.WriteLine("consumer: the output file does not match the result, or the style loss did not fall");
    return 1;
}

Console.WriteLine($"consumer: wrote {args[2]} ({written.Width}×{written.Height}); style loss {result.LossHistory[0].Style:E3} → {result.FinalLosses.Style:E3}");
return 0;
