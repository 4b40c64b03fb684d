using System.Runtime.InteropServices;
using System.Text.Json;
using NeuralStyle.Imaging;
using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>
/// A run's state between two iterations: where it is (scale, iteration), its loss history and seed,
/// and its scale optimiser's typed state (image, best image, iterate average, the update rule's
/// moments or curvature pairs), with a fingerprint of everything that decides the result (library
/// version, options, plan, prepared images). Resuming from it continues the run bit for bit on the
/// same machine.
/// </summary>
/// <remarks>
/// File layout: the 8 bytes <c>NSCKPT02</c>, a 4-byte little-endian length, a UTF-8 JSON header of
/// that length (position, history, the state with each tensor as an index, and each tensor's
/// shape), then each tensor's float32 values in index order, little-endian. Written to a temporary
/// file beside the target and renamed over it, so a checkpoint on disk is always whole.
/// </remarks>
internal sealed class RunCheckpoint : IDisposable
{
    private static readonly byte[] Magic = "NSCKPT02"u8.ToArray();
    private static readonly byte[] EarlierMagic = "NSCKPT01"u8.ToArray();

    /// <param name="library">The NeuralStyle version that wrote it.</param>
    /// <param name="fingerprint">The run's fingerprint (<see cref="RunFingerprint"/>).</param>
    /// <param name="scale">The scale the run was in, from 0.</param>
    /// <param name="iterationInScale">The iterations made at that scale.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="history">The loss terms of every iteration so far.</param>
    /// <param name="float32Finish">Whether the scale had gone on in float32 (a bfloat16 scale that stalled).</param>
    /// <param name="state">The scale optimiser's state (owned).</param>
    public RunCheckpoint(string library, string fingerprint, int scale, int iterationInScale, int seed, IReadOnlyList<LossTerms> history, bool float32Finish, ScaleState state)
    {
        Library = library;
        Fingerprint = fingerprint;
        Scale = scale;
        IterationInScale = iterationInScale;
        Seed = seed;
        History = history;
        Float32Finish = float32Finish;
        State = state;
    }

    /// <summary>The NeuralStyle version that wrote it.</summary>
    public string Library { get; }

    /// <summary>The fingerprint of the run's options, plan and prepared images (<see cref="RunFingerprint"/>).</summary>
    public string Fingerprint { get; }

    /// <summary>The scale the run was in, from 0.</summary>
    public int Scale { get; }

    /// <summary>The iterations made at that scale.</summary>
    public int IterationInScale { get; }

    /// <summary>The run's seed.</summary>
    public int Seed { get; }

    /// <summary>The loss terms of every iteration so far.</summary>
    public IReadOnlyList<LossTerms> History { get; }

    /// <summary>Whether the scale had gone on in float32, so that a resumed run goes on in float32 too.</summary>
    public bool Float32Finish { get; }

    /// <summary>The scale optimiser's state (owned).</summary>
    public ScaleState State { get; }

    /// <summary>Writes the checkpoint atomically to <paramref name="path"/>.</summary>
    /// <exception cref="CheckpointException">The file system refused the write; the previous checkpoint is as it was.</exception>
    public void Write(string path)
    {
        var table = CheckpointTensors.ForWriting();
        var options = table.Options();
        var state = JsonSerializer.SerializeToElement(State, options);
        var header = JsonSerializer.SerializeToUtf8Bytes(new Header
        {
            Library = Library,
            Fingerprint = Fingerprint,
            Scale = Scale,
            IterationInScale = IterationInScale,
            Seed = Seed,
            History = History.Select(h => new[] { h.Content, h.Style, h.TotalVariation, h.Total }).ToArray(),
            Float32Finish = Float32Finish,
            State = state,
            Shapes = table.Tensors.Select(t => t.shape).ToArray(),
        }, options);
        try
        {
            AtomicFile.Write(
                path,
                stream =>
                {
                    stream.Write(Magic);
                    stream.Write(BitConverter.GetBytes(header.Length));
                    stream.Write(header);
                    foreach (var tensor in table.Tensors)
                    {
                        // A state holds contiguous float32 CPU copies, so the values are read as they are.
                        stream.Write(MemoryMarshal.AsBytes(tensor.data<float>().ToArray().AsSpan()));
                    }
                },
                overwrite: true);
        }
        catch (ImageSaveException ex)
        {
            throw new CheckpointException($"Could not write the checkpoint '{path}': {ex.Reason}.", ex);
        }
    }

    /// <summary>Reads a checkpoint.</summary>
    /// <exception cref="CheckpointException">The file is missing, not a checkpoint, or damaged.</exception>
    public static RunCheckpoint Read(string path)
    {
        if (Directory.Exists(path))
        {
            throw new CheckpointException($"The checkpoint '{path}' is a folder; give the file that CheckpointPath wrote.");
        }

        if (new FileInfo(path) is { Exists: true, Length: 0 })
        {
            // Not opened: a pipe or a device would block or never end.
            throw new CheckpointException($"The checkpoint '{path}' is empty, or not a regular file; give the file that CheckpointPath wrote.");
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            using var reader = new BinaryReader(stream);
            var magic = reader.ReadBytes(Magic.Length);
            if (magic.AsSpan().SequenceEqual(EarlierMagic))
            {
                throw new CheckpointException($"The checkpoint '{path}' was made by an earlier NeuralStyle version; resume it with that version, or start afresh.");
            }

            if (!magic.AsSpan().SequenceEqual(Magic))
            {
                throw new CheckpointException($"'{path}' is not a NeuralStyle checkpoint; give the file that CheckpointPath wrote.");
            }

            var length = reader.ReadInt32();
            if (length <= 0 || length > stream.Length - stream.Position)
            {
                throw Damaged(path);
            }

            var header = JsonSerializer.Deserialize<Header>(reader.ReadBytes(length), CheckpointTensors.ForReading([]).Options()) ?? throw Damaged(path);
            var tensors = new List<Tensor>(header.Shapes.Length);
            try
            {
                foreach (var shape in header.Shapes)
                {
                    var count = shape.Aggregate(1L, (a, b) => b < 0 ? throw Damaged(path) : checked(a * b));
                    if (count * sizeof(float) > stream.Length - stream.Position)
                    {
                        throw Damaged(path);
                    }

                    var values = new float[count];
                    reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
                    tensors.Add(tensor(values, shape).DetachFromDisposeScope());
                }

                if (stream.Position != stream.Length)
                {
                    throw Damaged(path);
                }

                var state = header.State.Deserialize<ScaleState>(CheckpointTensors.ForReading(tensors).Options()) ?? throw Damaged(path);
                var history = header.History.Select(h => h.Length == 4 ? new LossTerms(h[0], h[1], h[2], h[3]) : throw Damaged(path)).ToArray();
                return new RunCheckpoint(header.Library, header.Fingerprint, header.Scale, header.IterationInScale, header.Seed, history, header.Float32Finish, state);
            }
            catch
            {
                foreach (var tensor in tensors)
                {
                    tensor.Dispose();
                }

                throw;
            }
        }
        catch (Exception ex) when (ex is EndOfStreamException or JsonException or OverflowException or ArgumentException or InvalidDataException or InvalidOperationException or NotSupportedException)
        {
            throw Damaged(path, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"The checkpoint '{path}' cannot be read ({ex.Message}).", ex);
        }
    }

    public void Dispose() => State.Dispose();

    private static CheckpointException Damaged(string path, Exception? inner = null) =>
        new($"The checkpoint '{path}' is damaged (cut short or changed); start the run afresh.", inner);

    private sealed class Header
    {
        public string Library { get; init; } = string.Empty;

        public string Fingerprint { get; init; } = string.Empty;

        public int Scale { get; init; }

        public int IterationInScale { get; init; }

        public int Seed { get; init; }

        public double[][] History { get; init; } = [];

        public bool Float32Finish { get; init; }

        public JsonElement State { get; init; }

        public long[][] Shapes { get; init; } = [];
    }
}
