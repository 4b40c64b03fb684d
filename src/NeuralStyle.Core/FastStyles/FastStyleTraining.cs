using System.Text.Json;
using NeuralStyle.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>One step's report: the step (1-based) of how many, its loss terms, the time since the run (or its resumption) began, and the preview photos stylised (every preview interval; empty otherwise).</summary>
internal sealed record FastStyleTrainingProgress(int Step, int Steps, LossTerms Losses, TimeSpan Elapsed, IReadOnlyList<RgbImage> Previews);

/// <summary>
/// Trains a <see cref="TransformerNetwork"/> for one style with the library's own losses (content,
/// Gram style, total variation through <see cref="LossFunctions"/>, on the given VGG19) and Adam, on
/// random crops of the photos: each crop a random square of the photo (between the crop size and the
/// photo's shorter side), scaled to the crop size, flipped left to right half of the time. Each
/// step's crops come from a generator seeded by the run's seed and the step, so a run resumed from
/// its checkpoint (the network, Adam's state, the step) takes exactly the steps an uninterrupted one would.
/// </summary>
internal static class FastStyleTraining
{
    /// <summary>Photos are kept decoded with their shorter side at most this many crops.</summary>
    private const double KeptCrops = 2.0;

    /// <param name="extractor">The VGG19 features (float32 or bfloat16).</param>
    /// <param name="options">The run (its output path is not read here).</param>
    /// <param name="style">The artwork, decoded.</param>
    /// <param name="previews">Photos to stylise every preview interval, decoded.</param>
    /// <param name="progress">Receives every step's losses.</param>
    /// <param name="skipped">Receives each photo that could not be used, with why.</param>
    /// <param name="cancellationToken">Stops between steps (the last checkpoint stays).</param>
    /// <returns>The trained network (owned by the caller).</returns>
    public static TransformerNetwork Train(
        IFeatureExtractor extractor,
        StyleTrainingOptions options,
        RgbImage style,
        IReadOnlyList<RgbImage> previews,
        Action<FastStyleTrainingProgress>? progress,
        Action<string, string>? skipped,
        CancellationToken cancellationToken)
    {
        var photos = LoadPhotos(options, skipped);
        if (photos.Count == 0)
        {
            throw new ArgumentException("None of the photos could be used; give a folder of photographs (JPEG, PNG, WebP).");
        }

        torch.manual_seed(options.Seed);
        var network = new TransformerNetwork(options.Width);
        // Only off the CPU: TorchSharp's Module.to onto the device the network is already on left
        // training diverging at its second step (measured); a new network is on the CPU already.
        if (extractor.Device.type != DeviceType.CPU)
        {
            network.to(extractor.Device);
        }
        try
        {
            using var adam = new NetworkAdam(network.parameters(), options.LearningRate);
            var first = Resume(options, network, adam);
            using var targets = new DisposableTensors(StyleTargets(extractor, options, style));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (var step = first; step <= options.Steps; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                LossTerms terms;
                using (var batch = Crops(photos, options, step))
                using (var input = batch.to(extractor.Device))
                {
                    terms = Step(extractor, network, adam, input, targets.Tensors, options.Losses);
                }

                if (!double.IsFinite(terms.Total))
                {
                    throw new DivergenceException("total", step, terms.Total);
                }

                var previewed = options.PreviewInterval > 0 && step % options.PreviewInterval == 0 ? previews.Select(p => Stylise(network, p)).ToArray() : [];
                progress?.Invoke(new FastStyleTrainingProgress(step, options.Steps, terms, clock.Elapsed, previewed));
                if (options.CheckpointFolder is { } folder && (step % options.CheckpointInterval == 0 || step == options.Steps))
                {
                    SaveCheckpoint(folder, network, adam, step);
                }
            }

            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>
    /// One Adam step on a batch: the network's output measured against the batch's content (its
    /// features without gradients) and the style's Gram matrices, plus total variation, with the
    /// layers and weights of <paramref name="losses"/>; the step's loss terms.
    /// </summary>
    internal static LossTerms Step(IFeatureExtractor extractor, TransformerNetwork network, NetworkAdam adam, Tensor input, IReadOnlyList<Tensor> styleTargets, StyleOptimizerSettings losses)
    {
        LossTerms terms;
        using (var scope = NewDisposeScope())
        {
            terms = Gradients(extractor, network, adam, input, styleTargets, losses);
        }

        adam.Step();
        return terms;
    }

    /// <summary>The batch's loss terms, with their gradients in the network's parameters.</summary>
    private static LossTerms Gradients(IFeatureExtractor extractor, TransformerNetwork network, NetworkAdam adam, Tensor input, IReadOnlyList<Tensor> styleTargets, StyleOptimizerSettings losses)
    {
        var styleLayers = losses.StyleLayers.Select(l => l.Layer).ToArray();
        var contentLayers = losses.ContentLayers.Select(l => l.Layer).ToArray();
        Tensor[] contentTargets;
        using (no_grad())
        {
            var features = extractor.Extract(input, contentLayers);
            contentTargets = contentLayers.Select(l => features[l]).ToArray();
        }

        var output = network.forward(input);
        var outputFeatures = extractor.Extract(output, styleLayers.Concat(contentLayers).Distinct().ToArray());
        var content = LossFunctions.ContentLoss(contentLayers.Select(l => outputFeatures[l]).ToArray(), contentTargets, losses.ContentLayers.Select(l => l.Weight).ToArray());
        var grams = styleLayers.Select(l => LossFunctions.GramMatrix(outputFeatures[l])).ToArray();
        var batch = input.shape[0];
        var style = LossFunctions.StyleLoss(grams, styleTargets.Select(t => t.expand(batch, -1, -1)).ToArray(), losses.StyleLayers.Select(l => l.Weight).ToArray());
        var tv = LossFunctions.TotalVariationLoss(output, losses.TotalVariationNorm);
        var total = LossFunctions.TotalLoss(content, style, tv, losses.ContentWeight, losses.StyleWeight, losses.TotalVariationWeight);
        adam.ZeroGradients();
        total.backward();
        return new LossTerms(content.item<float>(), style.item<float>(), tv.item<float>(), total.item<float>());
    }

    /// <summary>One step's batch: the crops of <paramref name="step"/>, N × 3 × crop × crop in [0, 1].</summary>
    internal static Tensor Crops(IReadOnlyList<RgbImage> photos, StyleTrainingOptions options, int step)
    {
        using var scope = NewDisposeScope();
        var random = new Random(unchecked((options.Seed * 1_000_003) + step));
        var crops = new Tensor[options.BatchSize];
        for (var i = 0; i < crops.Length; i++)
        {
            var photo = photos[random.Next(photos.Count)];
            var shorter = Math.Min(photo.Width, photo.Height);
            var side = options.CropSize >= shorter ? shorter : options.CropSize + random.Next(shorter - options.CropSize + 1);
            var x = random.Next(photo.Width - side + 1);
            var y = random.Next(photo.Height - side + 1);
            var flip = random.Next(2) == 1;
            var image = ImageTensors.ToTensor(photo).narrow(2, y, side).narrow(3, x, side);
            var crop = side == options.CropSize ? image : nn.functional.interpolate(image, [options.CropSize, options.CropSize], mode: InterpolationMode.Area);
            crops[i] = flip ? crop.flip(3) : crop;
        }

        return cat(crops, 0).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>The photos decoded, each with its shorter side at most <see cref="KeptCrops"/> crops (and at least one crop: smaller ones are skipped).</summary>
    private static List<RgbImage> LoadPhotos(StyleTrainingOptions options, Action<string, string>? skipped)
    {
        var photos = new List<RgbImage>(options.Photos.Count);
        foreach (var path in options.Photos)
        {
            try
            {
                var photo = RgbImage.Load(path);
                var shorter = Math.Min(photo.Width, photo.Height);
                if (shorter < options.CropSize)
                {
                    skipped?.Invoke(path, $"it is {photo.Width} × {photo.Height} px, smaller than a {options.CropSize} px crop");
                    continue;
                }

                var keep = (int)(options.CropSize * KeptCrops);
                photos.Add(shorter > keep ? photo.ResizeToFit((int)Math.Round((double)Math.Max(photo.Width, photo.Height) * keep / shorter)) : photo);
            }
            catch (ImageLoadException ex)
            {
                skipped?.Invoke(path, ex.Reason);
            }
        }

        return photos;
    }

    /// <summary>The style's Gram matrices at the style layers (float32), the style scaled to <see cref="StyleTrainingOptions.StyleScale"/> crops on its longest side.</summary>
    internal static Tensor[] StyleTargets(IFeatureExtractor extractor, StyleTrainingOptions options, RgbImage style)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var styleLayers = options.Losses.StyleLayers.Select(l => l.Layer).ToArray();
        var scaled = style.ResizeToFit((int)Math.Round(options.CropSize * options.StyleScale), allowUpscale: true);
        var features = extractor.Extract(ImageTensors.ToTensor(scaled, extractor.Device), styleLayers);
        return styleLayers.Select(l => LossFunctions.GramMatrix(features[l]).to(ScalarType.Float32).MoveToOuterDisposeScope()).ToArray();
    }

    /// <summary>The network applied to a photo in [0, 1] (its sides cut to multiples of 4), clamped: the picture the exported model gives.</summary>
    internal static RgbImage Stylise(TransformerNetwork network, RgbImage photo)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var device = network.parameters().First().device;
        var input = ImageTensors.ToTensor(photo, device).narrow(2, 0, photo.Height / 4 * 4).narrow(3, 0, photo.Width / 4 * 4);
        return ImageTensors.ToRgbImage(network.forward(input).clamp(0, 1));
    }

    /// <summary>Continues from the checkpoint in the folder, if there is one; the first step to take.</summary>
    private static int Resume(StyleTrainingOptions options, TransformerNetwork network, NetworkAdam adam)
    {
        if (options.CheckpointFolder is not { } folder || !File.Exists(Path.Combine(folder, StateFile)))
        {
            return 1;
        }

        var state = JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(Path.Combine(folder, StateFile)))
            ?? throw new CheckpointException($"The training checkpoint in '{folder}' is damaged; delete the folder to start afresh.");
        if (!options.ResumeFromCheckpoint)
        {
            throw new CheckpointException($"The folder '{folder}' holds a training checkpoint at step {state.Step}; resume it ({nameof(StyleTrainingOptions.ResumeFromCheckpoint)}, --resume) or choose an empty folder.");
        }

        if (state.Width != options.Width)
        {
            throw new CheckpointException($"The training checkpoint in '{folder}' is of a network of width {state.Width}, not {options.Width}; resume with the same options, or start afresh.");
        }

        if (!File.Exists(Path.Combine(folder, OptimizerFile)))
        {
            throw new CheckpointException($"The training checkpoint in '{folder}' was written by an older version (it has no {OptimizerFile}); delete the folder to start afresh.");
        }

        network.load(Path.Combine(folder, NetworkFile));
        adam.Load(Path.Combine(folder, OptimizerFile));
        return state.Step + 1;
    }

    /// <summary>The network, Adam's state, then the step: the step file is written last, so it names a complete pair.</summary>
    private static void SaveCheckpoint(string folder, TransformerNetwork network, NetworkAdam adam, int step)
    {
        Directory.CreateDirectory(folder);
        string Temporary(string name) => Path.Combine(folder, $".{name}.{Environment.ProcessId}.tmp");
        network.save(Temporary(NetworkFile));
        adam.Save(Temporary(OptimizerFile));
        File.Move(Temporary(NetworkFile), Path.Combine(folder, NetworkFile), overwrite: true);
        File.Move(Temporary(OptimizerFile), Path.Combine(folder, OptimizerFile), overwrite: true);
        File.WriteAllText(Temporary(StateFile), JsonSerializer.Serialize(new CheckpointState(step, network.Width)));
        File.Move(Temporary(StateFile), Path.Combine(folder, StateFile), overwrite: true);
    }

    private const string NetworkFile = "network.bin", OptimizerFile = "adam-moments.bin", StateFile = "state.json";

    private sealed record CheckpointState(int Step, int Width);

    /// <summary>Tensors disposed together.</summary>
    private sealed class DisposableTensors(Tensor[] tensors) : IDisposable
    {
        public Tensor[] Tensors { get; } = tensors;

        public void Dispose()
        {
            foreach (var tensor in Tensors)
            {
                tensor.Dispose();
            }
        }
    }
}
