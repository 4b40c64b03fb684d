using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace NeuralStyle;

/// <summary>
/// VGG19's convolutional layers with the Keras ImageNet weights, exactly as Keras builds them
/// (3×3 convolutions with "same" zero padding, ReLU after each, 2×2 max pooling with stride 2 after
/// each block, or rescaled average pooling if asked), with Keras' "caffe" preprocessing inside: RGB in [0, 1] becomes BGR × 255 − mean.
/// </summary>
/// <remarks>
/// The network is truncated after the deepest layer it was loaded for, and its weights are frozen:
/// no gradient is computed for them. <see cref="Extract"/> is safe to call from several threads.
/// </remarks>
public sealed class Vgg19FeatureExtractor : IFeatureExtractor
{
    private readonly Tensor[] _kernels;
    private readonly Tensor[] _biases;
    private readonly Tensor _bgrMean;
    private bool _disposed;

    private Vgg19FeatureExtractor(IReadOnlyList<KerasWeightsReader.LayerWeights> weights, Device device, Pooling pooling, ComputePrecision precision)
    {
        Device = device;
        Pooling = pooling;
        Precision = precision;
        var type = precision == ComputePrecision.BFloat16 ? ScalarType.BFloat16 : ScalarType.Float32;
        _kernels = new Tensor[weights.Count];
        _biases = new Tensor[weights.Count];

        // Every temporary lives in this scope until the end: a temporary that nothing references can
        // be finalised (and its native tensor freed) by the GC while libtorch is still using it.
        using var scope = NewDisposeScope();
        for (var i = 0; i < weights.Count; i++)
        {
            var layer = Vgg19Architecture.Layers[i];
            var kerasKernel = tensor(weights[i].Kernel, layer.KerasKernelShape);

            // Keras stores [height, width, in, out]; conv2d wants [out, in, height, width]. The copies
            // are libtorch's own memory, not pinned managed arrays.
            var kernel = kerasKernel.permute(3, 2, 0, 1);
            if (i == 0 && precision == ComputePrecision.BFloat16)
            {
                kernel = cat([kernel, kernel], 1); // For the input's two parts (see TwoPartBfloat16).
            }

            _kernels[i] = kernel.contiguous().to(type, device).clone().DetachFromDisposeScope();
            _biases[i] = tensor(weights[i].Bias).to(type, device).clone().DetachFromDisposeScope();
        }

        _bgrMean = tensor(Vgg19Architecture.BgrMean, [1, 3, 1, 1]).to(device).clone().DetachFromDisposeScope();
        LayerNames = Vgg19Architecture.Layers.Take(weights.Count).Select(l => l.Name).ToArray();
    }

    /// <summary>Every layer name of VGG19's convolutional part, shallowest first (<c>block1_conv1</c> … <c>block5_conv4</c>).</summary>
    public static IReadOnlyList<string> AllLayerNames { get; } = Vgg19Architecture.Layers.Select(l => l.Name).ToArray();

    /// <summary>
    /// The factor average pooling's output is multiplied by (<see cref="NeuralStyle.Pooling.Average"/>), so that
    /// activations after it keep about the scale they have after max pooling.
    /// </summary>
    public static double AveragePoolingScale => 1.4;

    /// <inheritdoc />
    public IReadOnlyList<string> LayerNames { get; }

    /// <summary>The downsampling between blocks.</summary>
    public Pooling Pooling { get; }

    /// <summary>
    /// The number format of the convolutions, and of the features <see cref="Extract"/> returns
    /// (bfloat16 tensors for <see cref="ComputePrecision.BFloat16"/>: convert them to float32 before
    /// summing many of them, as <see cref="StyleOptimizer"/> does).
    /// </summary>
    public ComputePrecision Precision { get; }

    /// <inheritdoc />
    public Device Device { get; }

    /// <summary>
    /// A float32 NCHW tensor as bfloat16 with twice the channels: the rounded values, then what the
    /// rounding left out, also rounded. Their sum holds about 16 significant bits where one bfloat16
    /// holds 8. The network's input goes in this way, with the first layer's kernel doubled to take
    /// both parts: the convolution is linear, so it sees the input almost as float32 does. Rounded
    /// once, the input's values above 128 would be whole 8-bit levels apart and the loss a staircase
    /// finer than L-BFGS's late steps, which then stall sooner and higher (docs/performance.md).
    /// The gradient flows back through the rounded part alone (the remainder's derivative is
    /// 1 − 1 = 0), so it is the one a single bfloat16 input would get.
    /// </summary>
    internal static Tensor TwoPartBfloat16(Tensor x)
    {
        using var scope = NewDisposeScope();
        var rounded = x.to(ScalarType.BFloat16);
        var remainder = (x - rounded.to(ScalarType.Float32)).to(ScalarType.BFloat16);
        return cat([rounded, remainder], 1).MoveToOuterDisposeScope();
    }

    /// <summary>The kernels, biases and mean tensors (for tests).</summary>
    internal IEnumerable<Tensor> WeightTensors => _kernels.Concat(_biases).Append(_bgrMean);

    /// <summary>
    /// Loads the weights from a Keras HDF5 file (no checksum: any file with the right layout and
    /// shapes is accepted).
    /// </summary>
    /// <param name="weightsPath">The Keras VGG19 "notop" weights file.</param>
    /// <param name="device">Where to compute.</param>
    /// <param name="deepestLayer">Load only up to this layer (saves memory and time); null loads all 16.</param>
    /// <param name="pooling">The downsampling between blocks.</param>
    /// <param name="precision">The number format of the convolutions.</param>
    /// <exception cref="WeightsException">The file is missing, truncated, corrupt, or a layer is missing or misshapen.</exception>
    /// <exception cref="NativeBackendException">libtorch cannot be loaded, or CUDA was asked for and is absent.</exception>
    public static Vgg19FeatureExtractor FromFile(
        string weightsPath,
        ComputeDevice device = ComputeDevice.Cpu,
        string? deepestLayer = null,
        Pooling pooling = Pooling.Max,
        ComputePrecision precision = ComputePrecision.Float32)
    {
        if (!Enum.IsDefined(precision))
        {
            Guard.ThrowArgument($"Unknown precision {precision}.", nameof(precision));
        }

        Guard.NotNullOrWhiteSpace(weightsPath);
        if (!Enum.IsDefined(pooling))
        {
            Guard.ThrowArgument($"Unknown pooling {pooling}.", nameof(pooling));
        }

        var layerCount = AllLayerNames.Count;
        if (deepestLayer is not null)
        {
            layerCount = Vgg19Architecture.IndexOf(deepestLayer) + 1;
            if (layerCount == 0)
            {
                Guard.ThrowArgument($"Unknown VGG19 layer '{deepestLayer}'. Valid layers: {string.Join(", ", AllLayerNames)}.", nameof(deepestLayer));
            }
        }

        var torchDevice = TorchRuntime.ResolveDevice(device);
        var weights = KerasWeightsReader.ReadVgg19(weightsPath, layerCount);
        return new Vgg19FeatureExtractor(weights, torchDevice, pooling, precision);
    }

    /// <summary>
    /// Finds the weights (an explicit path, then <c>NEURALSTYLE_VGG19_WEIGHTS</c>, then the user's
    /// cache folder, then a download of the official Keras file checked against its MD5) and loads them.
    /// </summary>
    /// <param name="weightsPath">An explicit weights file, or null to search.</param>
    /// <param name="device">Where to compute.</param>
    /// <param name="deepestLayer">Load only up to this layer; null loads all 16.</param>
    /// <param name="pooling">The downsampling between blocks.</param>
    /// <param name="downloadProgress">Receives download progress when the weights have to be downloaded.</param>
    /// <param name="cancellationToken">Cancels the download or the load.</param>
    /// <exception cref="WeightsException">No weights were found and the download failed, or the file is unusable.</exception>
    public static async Task<Vgg19FeatureExtractor> LoadAsync(
        string? weightsPath = null,
        ComputeDevice device = ComputeDevice.Cpu,
        string? deepestLayer = null,
        Pooling pooling = Pooling.Max,
        IProgress<WeightsDownloadProgress>? downloadProgress = null,
        CancellationToken cancellationToken = default)
    {
        var path = await WeightsLocator.ResolveAsync(weightsPath, downloadProgress, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return FromFile(path, device, deepestLayer, pooling);
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, Tensor> Extract(Tensor image, IReadOnlyCollection<string> layers)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Guard.NotNull(image);
        Guard.NotNull(layers);
        var deepest = DeepestIndex(layers);
        RequireImageShape(image, deepest);

        using var scope = NewDisposeScope();
        var wanted = new HashSet<string>(layers);
        var features = new Dictionary<string, Tensor>(wanted.Count);

        // The maps kept as features, compared by reference: TorchSharp's Tensor.Equals is
        // torch.equal, an element-wise comparison that would read whole maps on every layer.
        var kept = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var x = (image.flip(1) * 255f) - _bgrMean;
        if (Precision == ComputePrecision.BFloat16)
        {
            // Channels-last strides (NHWC in memory, the shape stays NCHW) for bfloat16 only: oneDNN's
            // bfloat16 kernels then read and write the activations as they are, where with NCHW every
            // convolution's input and output goes through a reorder to and from its blocked layout,
            // and libtorch's max pooling has a vectorised channels-last kernel. Float32 is slower
            // channels-last, so it stays NCHW (docs/performance.md has the measurements).
            x = TwoPartBfloat16(x).permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
        }

        // Each map is released as soon as the next is made, unless it is a wanted feature: without
        // gradients that frees it at once (a forward pass then holds two maps, not all of them);
        // with gradients autograd keeps what the backward pass needs whatever is released here.
        Tensor Replace(Tensor previous, Tensor next)
        {
            if (!ReferenceEquals(previous, next) && !kept.Contains(previous))
            {
                previous.Dispose();
            }

            return next;
        }

        for (var i = 0; i <= deepest; i++)
        {
            var layer = Vgg19Architecture.Layers[i];
            var convolved = conv2d(x, _kernels[i], _biases[i], [1, 1], [1, 1], [1, 1], 1);
            x = Replace(x, Replace(convolved, relu(convolved, inplace: true)));
            if (wanted.Contains(layer.Name))
            {
                features[layer.Name] = x;
                kept.Add(x);
            }

            if (layer.PoolAfter && i < deepest)
            {
                Tensor pooled;
                if (Pooling == Pooling.Max)
                {
                    pooled = max_pool2d(x, 2, 2);
                }
                else
                {
                    var averaged = avg_pool2d(x, 2, 2);
                    pooled = Replace(averaged, averaged * AveragePoolingScale);
                }

                x = Replace(x, pooled);
            }
        }

        foreach (var feature in features.Values)
        {
            feature.MoveToOuterDisposeScope();
        }

        return features;
    }

    /// <summary>Releases the weight tensors.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var t in WeightTensors)
        {
            t.Dispose();
        }
    }

    private int DeepestIndex(IReadOnlyCollection<string> layers)
    {
        if (layers.Count == 0)
        {
            Guard.ThrowArgument("Ask for at least one layer.", nameof(layers));
        }

        var deepest = -1;
        foreach (var name in layers)
        {
            var index = Vgg19Architecture.IndexOf(name);
            if (index < 0 || index >= LayerNames.Count)
            {
                Guard.ThrowArgument(
                    $"Unknown or unloaded VGG19 layer '{name}'. Available layers: {string.Join(", ", LayerNames)}.", nameof(layers));
            }

            deepest = Math.Max(deepest, index);
        }

        return deepest;
    }

    private void RequireImageShape(Tensor image, int deepest)
    {
        var minimum = Vgg19Architecture.MinimumSide(Vgg19Architecture.Layers[deepest].Name);
        if (image.dim() != 4 || image.shape[1] != 3 || image.dtype != ScalarType.Float32 || image.shape[2] < minimum || image.shape[3] < minimum)
        {
            Guard.ThrowArgument(
                $"Expected a float32 NCHW RGB image of at least {minimum} × {minimum} pixels for layer {Vgg19Architecture.Layers[deepest].Name}, " +
                $"but got {image.dtype} [{string.Join(", ", image.shape)}].",
                nameof(image));
        }

        if (image.device_type != Device.type || (Device.type != DeviceType.CPU && image.device_index != Device.index))
        {
            Guard.ThrowArgument($"The image is on {image.device} but the network is on {Device}.", nameof(image));
        }
    }
}
