namespace NeuralStyle;

/// <summary>The convolutional part of VGG19 as Keras builds it: 16 3×3 convolutions in five blocks.</summary>
internal static class Vgg19Architecture
{
    /// <summary>The mean that Keras' "caffe" preprocessing subtracts, in BGR order, on the 0–255 scale.</summary>
    public static readonly float[] BgrMean = [103.939f, 116.779f, 123.68f];

    /// <summary>Every convolution in order; <c>PoolAfter</c> marks the last convolution of a block.</summary>
    public static readonly IReadOnlyList<ConvLayer> Layers =
    [
        new("block1_conv1", 3, 64, false),
        new("block1_conv2", 64, 64, true),
        new("block2_conv1", 64, 128, false),
        new("block2_conv2", 128, 128, true),
        new("block3_conv1", 128, 256, false),
        new("block3_conv2", 256, 256, false),
        new("block3_conv3", 256, 256, false),
        new("block3_conv4", 256, 256, true),
        new("block4_conv1", 256, 512, false),
        new("block4_conv2", 512, 512, false),
        new("block4_conv3", 512, 512, false),
        new("block4_conv4", 512, 512, true),
        new("block5_conv1", 512, 512, false),
        new("block5_conv2", 512, 512, false),
        new("block5_conv3", 512, 512, false),
        new("block5_conv4", 512, 512, true),
    ];

    /// <summary>The index of a layer in <see cref="Layers"/>, or −1.</summary>
    public static int IndexOf(string name)
    {
        for (var i = 0; i < Layers.Count; i++)
        {
            if (Layers[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The smallest image side that reaches <paramref name="layer"/> with at least one pixel: 2 to the number of poolings before it.</summary>
    public static int MinimumSide(string layer) => 1 << Layers.Take(IndexOf(layer)).Count(l => l.PoolAfter);

    /// <summary>One 3×3 convolution with "same" zero padding, followed by ReLU.</summary>
    public sealed record ConvLayer(string Name, int InChannels, int OutChannels, bool PoolAfter)
    {
        public long[] KerasKernelShape => [3, 3, InChannels, OutChannels];
    }
}
