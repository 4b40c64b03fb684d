using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace NeuralStyle;

/// <summary>
/// The feed-forward style network of Johnson, Alahi and Fei-Fei (2016), with Ulyanov et al.'s
/// instance normalisation: a 9 × 9 convolution, two stride-2 3 × 3 convolutions down, five residual
/// blocks, two up-sampling steps (nearest-neighbour resize, then a 3 × 3 convolution: transposed
/// convolutions leave checkerboards), and a 9 × 9 convolution to RGB. Every convolution pads by
/// reflection. Fully convolutional, so any picture size whose sides are multiples of 4 goes through;
/// it maps an image in [0, 1] to its stylised version in [0, 1] (the output is clamped when applied).
/// </summary>
internal sealed class TransformerNetwork : Module<Tensor, Tensor>
{
    private readonly Sequential _encoder;
    private readonly ModuleList<ResidualBlock> _residuals;
    private readonly Sequential _decoder;

    /// <param name="width">The channels of the first layer (32 in the paper); the down-sampled layers have 2× and 4× as many.</param>
    /// <param name="residualBlocks">The residual blocks at the lowest resolution (5 in the paper).</param>
    public TransformerNetwork(int width = 32, int residualBlocks = 5)
        : base(nameof(TransformerNetwork))
    {
        Width = width;
        ResidualBlocks = residualBlocks;
        _encoder = Sequential(
            ("conv1", ConvLayer(3, width, 9, 1)), ("norm1", Norm(width)), ("relu1", ReLU()),
            ("conv2", ConvLayer(width, 2 * width, 3, 2)), ("norm2", Norm(2 * width)), ("relu2", ReLU()),
            ("conv3", ConvLayer(2 * width, 4 * width, 3, 2)), ("norm3", Norm(4 * width)), ("relu3", ReLU()));
        _residuals = new ModuleList<ResidualBlock>(Enumerable.Range(0, residualBlocks).Select(_ => new ResidualBlock(4 * width)).ToArray());
        _decoder = Sequential(
            ("up1", Upsample(scale_factor: [2.0, 2.0], mode: UpsampleMode.Nearest)), ("conv4", ConvLayer(4 * width, 2 * width, 3, 1)), ("norm4", Norm(2 * width)), ("relu4", ReLU()),
            ("up2", Upsample(scale_factor: [2.0, 2.0], mode: UpsampleMode.Nearest)), ("conv5", ConvLayer(2 * width, width, 3, 1)), ("norm5", Norm(width)), ("relu5", ReLU()),
            ("layout", new ChannelsLastLayout()), ("conv6", ConvLayer(width, 3, 9, 1)));
        RegisterComponents();
    }

    /// <summary>The channels of the first layer.</summary>
    public int Width { get; }

    /// <summary>The residual blocks.</summary>
    public int ResidualBlocks { get; }

    /// <summary>Stylises a batch, NCHW in [0, 1] with sides that are multiples of 4; the output is not clamped (training sees it whole).</summary>
    /// <remarks>
    /// The intermediate activations are left to the caller's dispose scope, which frees them after
    /// the backward pass has read them.
    /// </remarks>
    public override Tensor forward(Tensor input)
    {
        var x = _encoder.forward(input);
        foreach (var block in _residuals)
        {
            x = block.forward(x);
        }

        return _decoder.forward(x).contiguous();
    }


    /// <summary>A convolution that keeps the size (stride 1) or halves it (stride 2), padded by reflection.</summary>
    private static Conv2d ConvLayer(int input, int output, int kernel, int stride) =>
        Conv2d(input, output, kernel, stride: stride, padding: kernel / 2, padding_mode: PaddingModes.Reflect);

    private static InstanceNorm2d Norm(int channels) => InstanceNorm2d(channels, affine: true);

    /// <summary>
    /// The same values stored channels-last, for the convolution to RGB that follows. On NCHW tensors
    /// libtorch's CPU backward pass of a convolution with few output channels and a large kernel (this
    /// 9 × 9 one to 3 channels) reads memory it never wrote, so a training step's gradients held
    /// whatever that memory last held (NaN, after earlier steps); its channels-last kernel does not.
    /// </summary>
    private sealed class ChannelsLastLayout : Module<Tensor, Tensor>
    {
        public ChannelsLastLayout()
            : base(nameof(ChannelsLastLayout))
        {
        }

        public override Tensor forward(Tensor input) => input.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
    }

    /// <summary>Two 3 × 3 convolutions with instance normalisation, added to the input.</summary>
    private sealed class ResidualBlock : Module<Tensor, Tensor>
    {
        private readonly Sequential _body;

        public ResidualBlock(int channels)
            : base(nameof(ResidualBlock))
        {
            _body = Sequential(
                ("conv1", ConvLayer(channels, channels, 3, 1)), ("norm1", Norm(channels)), ("relu", ReLU()),
                ("conv2", ConvLayer(channels, channels, 3, 1)), ("norm2", Norm(channels)));
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => input + _body.forward(input);
    }
}
