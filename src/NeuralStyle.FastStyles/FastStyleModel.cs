using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using NeuralStyle.Imaging;

namespace NeuralStyle.FastStyles;

/// <summary>
/// A trained style: a feed-forward network (exported by <c>neural-style train</c> as ONNX) that
/// repaints a photo in its style in one pass, on ONNX Runtime. Load it once and share it: it is
/// thread-safe, computes at most <see cref="FastStyleModelOptions.MaxConcurrency"/> pictures at once
/// (further calls wait their turn), and takes any picture size, computing large ones in blended tiles.
/// </summary>
/// <example>
/// <code>
/// using var model = FastStyleModel.Load("starry_night.onnx");
/// var photo = await RgbImage.LoadAsync("photo.jpg");
/// var stylised = await model.ApplyAsync(photo, cancellationToken);
/// await stylised.SaveAsync("out.png");
/// </code>
/// </example>
public sealed class FastStyleModel : IDisposable
{
    /// <summary>The input every trained style takes: float32 N × 3 × H × W, RGB in [0, 1].</summary>
    internal const string InputName = "image";

    /// <summary>The output every trained style gives: float32 N × 3 × H × W, RGB in [0, 1].</summary>
    internal const string OutputName = "stylised";

    /// <summary>Metadata key: the multiple that the network's input sides must be (4: two stride-2 steps).</summary>
    internal const string SideMultipleKey = "neuralstyle.side_multiple";

    /// <summary>The least side a tile is padded to: the network's 9 × 9 reflection padding and its two halvings need room.</summary>
    private const int MinimumSide = 16;

    private readonly InferenceSession _session;
    private readonly SemaphoreSlim _slots;
    private readonly FastStyleModelOptions _options;
    private readonly int _sideMultiple;
    private bool _disposed;

    private FastStyleModel(string name, InferenceSession session, FastStyleModelOptions options)
    {
        Name = name;
        _session = session;
        _options = options;
        _slots = new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency);
        Metadata = session.ModelMetadata.CustomMetadataMap.ToDictionary(p => p.Key, p => p.Value);
        _sideMultiple = Metadata.TryGetValue(SideMultipleKey, out var multiple) && int.TryParse(multiple, out var m) && m is >= 1 and <= 64 ? m : 4;
    }

    /// <summary>The model's file path, or the name it was loaded under.</summary>
    public string Name { get; }

    /// <summary>What the model says of itself: the style it was trained on, the command and the training's settings (keys start with <c>neuralstyle.</c>).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Loads a trained style from an ONNX file.</summary>
    /// <param name="path">The <c>.onnx</c> file.</param>
    /// <param name="options">How it runs; the defaults when null.</param>
    /// <exception cref="FastStyleModelException">The file is missing, or is not a trained style.</exception>
    public static FastStyleModel Load(string path, FastStyleModelOptions? options = null)
    {
        Guard.NotNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FastStyleModelException(path, Directory.Exists(path) ? "it is a folder; give the .onnx file." : "there is no such file.");
        }

        return Create(path, options, sessionOptions => new InferenceSession(path, sessionOptions));
    }

    /// <summary>Loads a trained style from the bytes of an ONNX model (for example an embedded resource).</summary>
    /// <param name="model">The model's bytes.</param>
    /// <param name="name">The name the model is known by in messages.</param>
    /// <param name="options">How it runs; the defaults when null.</param>
    /// <exception cref="FastStyleModelException">The bytes are not a trained style.</exception>
    public static FastStyleModel Load(byte[] model, string name, FastStyleModelOptions? options = null)
    {
        Guard.NotNull(model);
        Guard.NotNullOrWhiteSpace(name);
        return Create(name, options, sessionOptions => new InferenceSession(model, sessionOptions));
    }

    /// <summary>
    /// Repaints <paramref name="photo"/> in the model's style, at the photo's own size. Waits for a
    /// free slot first (see <see cref="FastStyleModelOptions.MaxConcurrency"/>).
    /// </summary>
    /// <param name="photo">The photo.</param>
    /// <param name="cancellationToken">Stops the wait, or the computation between and within tiles.</param>
    /// <returns>The stylised picture, as large as the photo.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public async Task<RgbImage> ApplyAsync(RgbImage photo, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(photo);
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => Apply(photo, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>
    /// Releases the ONNX Runtime session. Dispose a model only when no call to <see cref="ApplyAsync"/>
    /// is computing or waiting (for example when the app stops); a call made afterwards throws
    /// <see cref="ObjectDisposedException"/>.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _session.Dispose();
        _slots.Dispose();
    }

    private static FastStyleModel Create(string name, FastStyleModelOptions? options, Func<SessionOptions, InferenceSession> open)
    {
        options ??= new FastStyleModelOptions();
        options.Validate();
        using var sessionOptions = new SessionOptions
        {
            // Every call has its own picture size: plans made for one size would not be reused.
            EnableMemoryPattern = false,
        };
        options.ConfigureSession?.Invoke(sessionOptions);
        InferenceSession session;
        try
        {
            session = open(sessionOptions);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new FastStyleModelException(name, "it is not a readable ONNX model (" + FirstLine(ex.Message) + ").", ex);
        }

        try
        {
            CheckSignature(name, session);
            return new FastStyleModel(name, session, options);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>One float32 image in, named <see cref="InputName"/>, and one out, named <see cref="OutputName"/>, both N × 3 × H × W.</summary>
    private static void CheckSignature(string name, InferenceSession session)
    {
        static bool IsImage(IReadOnlyDictionary<string, NodeMetadata> values, string expected) =>
            values.Count == 1
            && values.TryGetValue(expected, out var value)
            && value.IsTensor
            && value.ElementDataType == TensorElementType.Float
            && value.Dimensions.Length == 4
            && value.Dimensions[1] == 3;

        if (!IsImage(session.InputMetadata, InputName) || !IsImage(session.OutputMetadata, OutputName))
        {
            var inputs = string.Join(", ", session.InputMetadata.Keys);
            var outputs = string.Join(", ", session.OutputMetadata.Keys);
            throw new FastStyleModelException(name, $"it is an ONNX model, but not a style network (inputs: {inputs}; outputs: {outputs}; a trained style takes '{InputName}' and gives '{OutputName}', float N × 3 × H × W).");
        }
    }

    private RgbImage Apply(RgbImage photo, CancellationToken cancellationToken)
    {
        var planes = photo.ToTensorData();
        var width = photo.Width;
        var height = photo.Height;
        var columns = new TileSpans(width, _options.MaxTileSide, _options.TileOverlap);
        var rows = new TileSpans(height, _options.MaxTileSide, _options.TileOverlap);
        if (columns.Count == 1 && rows.Count == 1)
        {
            return RgbImage.FromTensorData(RunTile(planes, width, height, 0, 0, width, height, cancellationToken), width, height);
        }

        // Tiles are blended: each output pixel is the weighted mean of the tiles that cover it.
        var plane = width * height;
        var sum = new float[3 * plane];
        var weights = new float[plane];
        for (var row = 0; row < rows.Count; row++)
        {
            for (var column = 0; column < columns.Count; column++)
            {
                var x0 = columns.Start(column);
                var y0 = rows.Start(row);
                var tile = RunTile(planes, width, height, x0, y0, columns.Tile, rows.Tile, cancellationToken);
                var tilePlane = columns.Tile * rows.Tile;
                for (var y = 0; y < rows.Tile; y++)
                {
                    var rowWeight = rows.Weight(row, y);
                    for (var x = 0; x < columns.Tile; x++)
                    {
                        var weight = rowWeight * columns.Weight(column, x);
                        var target = ((y0 + y) * width) + x0 + x;
                        var source = (y * columns.Tile) + x;
                        weights[target] += weight;
                        for (var c = 0; c < 3; c++)
                        {
                            sum[(c * plane) + target] += weight * tile[(c * tilePlane) + source];
                        }
                    }
                }
            }
        }

        for (var p = 0; p < plane; p++)
        {
            for (var c = 0; c < 3; c++)
            {
                sum[(c * plane) + p] /= weights[p];
            }
        }

        return RgbImage.FromTensorData(sum, width, height);
    }

    /// <summary>The network's raw output (planes, clipped by the model) on a whole picture given as planes, in one pass.</summary>
    internal float[] RunWhole(float[] planes, int width, int height) => RunTile(planes, width, height, 0, 0, width, height, CancellationToken.None);

    /// <summary>
    /// Runs the network on the tile of <paramref name="planes"/> at (<paramref name="x0"/>, <paramref name="y0"/>):
    /// the tile is padded by repeating its edges to sides the network takes, and the padding is cut
    /// from the result. Returns the tile's planes (3 × <paramref name="tileHeight"/> × <paramref name="tileWidth"/>).
    /// </summary>
    private float[] RunTile(float[] planes, int width, int height, int x0, int y0, int tileWidth, int tileHeight, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var paddedWidth = PaddedSide(tileWidth);
        var paddedHeight = PaddedSide(tileHeight);
        var input = new float[3 * paddedWidth * paddedHeight];
        var plane = width * height;
        var paddedPlane = paddedWidth * paddedHeight;
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < paddedHeight; y++)
            {
                var sourceRow = y0 + Math.Min(y, tileHeight - 1);
                for (var x = 0; x < paddedWidth; x++)
                {
                    input[(c * paddedPlane) + (y * paddedWidth) + x] = planes[(c * plane) + (sourceRow * width) + x0 + Math.Min(x, tileWidth - 1)];
                }
            }
        }

        using var runOptions = new RunOptions();
        using var stop = cancellationToken.Register(() => runOptions.Terminate = true);
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, [1, 3, paddedHeight, paddedWidth]);
        IDisposableReadOnlyCollection<OrtValue> outputs;
        try
        {
            outputs = _session.Run(runOptions, [InputName], [inputValue], [OutputName]);
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }

        using (outputs)
        {
            var output = outputs[0].GetTensorDataAsSpan<float>();
            var tile = new float[3 * tileWidth * tileHeight];
            for (var c = 0; c < 3; c++)
            {
                for (var y = 0; y < tileHeight; y++)
                {
                    output.Slice((c * paddedPlane) + (y * paddedWidth), tileWidth).CopyTo(tile.AsSpan((c * tileWidth * tileHeight) + (y * tileWidth), tileWidth));
                }
            }

            return tile;
        }
    }

    private int PaddedSide(int side) => Math.Max(MinimumSide, (side + _sideMultiple - 1) / _sideMultiple * _sideMultiple);

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
