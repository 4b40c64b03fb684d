namespace NeuralStyle;

/// <summary>
/// What VGG19 holds and computes for one input size, up to a given layer: the elements of the feature
/// maps an optimisation step keeps for its backward pass, and the step's floating-point operations.
/// Counted from the architecture alone (<see cref="Vgg19Architecture"/>), so they can be checked by hand.
/// </summary>
internal static class NetworkFootprint
{
    /// <summary>
    /// The elements of the feature maps a step keeps for its backward pass: every convolution's output
    /// (ReLU works in place on it) and every pooling's output, up to and including
    /// <paramref name="deepestLayer"/>. A 2 × 2 pooling halves each side, rounding down.
    /// </summary>
    public static long ActivationElements(int height, int width, string deepestLayer) =>
        Walk(height, width, deepestLayer).Sum(m => m.Elements);

    /// <summary>The elements of the feature maps of the given layers (each layer's convolution output) for an input of <paramref name="height"/> × <paramref name="width"/>.</summary>
    public static long LayerElements(int height, int width, IEnumerable<string> layers)
    {
        long elements = 0;
        foreach (var layer in layers)
        {
            var index = Vgg19Architecture.IndexOf(layer);
            var poolings = Vgg19Architecture.Layers.Take(index).Count(l => l.PoolAfter);
            elements += (long)Vgg19Architecture.Layers[index].OutChannels * (height >> poolings) * (width >> poolings);
        }

        return elements;
    }

    /// <summary>
    /// The most elements a forward pass without gradients holds at once, as
    /// <see cref="Vgg19FeatureExtractor.Extract"/> runs it: the input image and its normalised copy,
    /// the wanted maps made so far, and the map being transformed beside the one it becomes (every
    /// other map is released as soon as the next is made). This is what measuring a style image costs.
    /// </summary>
    /// <param name="height">The input's height in pixels.</param>
    /// <param name="width">The input's width in pixels.</param>
    /// <param name="wantedLayers">The layers whose maps are kept (the deepest of them ends the pass).</param>
    public static long ForwardPeakElements(int height, int width, IReadOnlyCollection<string> wantedLayers)
    {
        var deepest = wantedLayers.Max(Vgg19Architecture.IndexOf);
        long input = 2 * 3L * height * width;
        long kept = 0, peak = input, previous = 3L * height * width;
        var previousKept = false;
        for (var i = 0; i <= deepest; i++)
        {
            var layer = Vgg19Architecture.Layers[i];
            long output = (long)layer.OutChannels * height * width;
            peak = Math.Max(peak, input + kept + (previousKept || i == 0 ? 0 : previous) + output);
            previousKept = wantedLayers.Contains(layer.Name);
            kept += previousKept ? output : 0;
            previous = output;
            if (layer.PoolAfter && i < deepest)
            {
                height /= 2;
                width /= 2;
                long pooled = (long)layer.OutChannels * height * width;
                peak = Math.Max(peak, input + kept + (previousKept ? 0 : previous) + pooled);
                previous = pooled;
                previousKept = false;
            }
        }

        return peak;
    }

    /// <summary>The elements of the poolings' outputs alone (max pooling keeps an int64 index for each).</summary>
    public static long PoolingElements(int height, int width, string deepestLayer) =>
        Walk(height, width, deepestLayer).Where(m => m.IsPooling).Sum(m => m.Elements);

    /// <summary>
    /// The floating-point operations of one step: a 3 × 3 convolution from C_in to C_out channels on
    /// an H × W map costs 2·9·C_in·C_out·H·W forward and the same again backward to its input (the
    /// weights are frozen, so there are no weight gradients). Everything else is negligible beside it.
    /// </summary>
    public static double StepFlops(int height, int width, string deepestLayer)
    {
        double flops = 0;
        var deepest = Vgg19Architecture.IndexOf(deepestLayer);
        for (var i = 0; i <= deepest; i++)
        {
            var layer = Vgg19Architecture.Layers[i];
            flops += 2.0 * 2.0 * 9 * layer.InChannels * layer.OutChannels * height * width;
            if (layer.PoolAfter)
            {
                height /= 2;
                width /= 2;
            }
        }

        return flops;
    }

    /// <summary>Every feature map a step keeps, in order: each convolution's output, then its block's pooling output.</summary>
    private static IEnumerable<(long Elements, bool IsPooling)> Walk(int height, int width, string deepestLayer)
    {
        var deepest = Vgg19Architecture.IndexOf(deepestLayer);
        if (deepest < 0)
        {
            throw new ArgumentException($"'{deepestLayer}' is not a VGG19 convolution layer.", nameof(deepestLayer));
        }

        for (var i = 0; i <= deepest; i++)
        {
            var layer = Vgg19Architecture.Layers[i];
            yield return ((long)layer.OutChannels * height * width, false);
            if (layer.PoolAfter && i < deepest)
            {
                height /= 2;
                width /= 2;
                yield return ((long)layer.OutChannels * height * width, true);
            }
        }
    }
}
