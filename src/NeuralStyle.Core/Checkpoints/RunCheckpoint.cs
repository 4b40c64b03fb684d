using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>
/// A run's state between two iterations: where it is (scale, iteration), its loss history and seed,
/// and its optimiser's state (image, best image, iterate average, Adam's moments or L-BFGS's
/// curvature pairs), with a fingerprint of everything that decides the result (library version,
/// options, prepared images). Resuming from it continues the run bit for bit on the same machine.
/// </summary>
/// <remarks>
/// File layout: the 8 bytes <c>NSCKPT01</c>, a 4-byte little-endian length, a UTF-8 JSON header of
/// that length (position, history, values, and the name and shape of each tensor), then each
/// tensor's float32 values in the header's order, little-endian. Written to a temporary file beside
/// the target and renamed over it, so a checkpoint on disk is always whole.
/// </remarks>
internal sealed class RunCheckpoint : IDisposable
{
    private static readonly byte[] Magic = "NSCKPT01"u8.ToArray();

    /// <summary>NaN and infinities are numbers here (an L-BFGS optimiser with no accepted loss yet stores NaN).</summary>
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public RunCheckpoint(string library, string fingerprint, int scale, int iterationInScale, int seed, IReadOnlyList<LossTerms> history, OptimizerState state)
    {
        Library = library;
        Fingerprint = fingerprint;
        Scale = scale;
        IterationInScale = iterationInScale;
        Seed = seed;
        History = history;
        State = state;
    }

    /// <summary>The NeuralStyle version that wrote it.</summary>
    public string Library { get; }

    /// <summary>The fingerprint of the run's options and prepared images (<see cref="RunFingerprint"/>).</summary>
    public string Fingerprint { get; }

    /// <summary>The scale the run was in, from 0.</summary>
    public int Scale { get; }

    /// <summary>The iterations made at that scale.</summary>
    public int IterationInScale { get; }

    /// <summary>The run's seed.</summary>
    public int Seed { get; }

    /// <summary>The loss terms of every iteration so far.</summary>
    public IReadOnlyList<LossTerms> History { get; }

    /// <summary>The optimiser's state (owned).</summary>
    public OptimizerState State { get; }

    /// <summary>Writes the checkpoint atomically to <paramref name="path"/>.</summary>
    public void Write(string path)
    {
        var names = State.Tensors.Keys.Order(StringComparer.Ordinal).ToArray();
        var header = JsonSerializer.SerializeToUtf8Bytes(new Header
        {
            Library = Library,
            Fingerprint = Fingerprint,
            Scale = Scale,
            IterationInScale = IterationInScale,
            Seed = Seed,
            History = History.Select(h => new[] { h.Content, h.Style, h.TotalVariation, h.Total }).ToArray(),
            Values = State.Values,
            Tensors = names.Select(n => new TensorEntry { Name = n, Shape = State.Tensors[n].shape }).ToArray(),
        }, Json);
        var full = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                stream.Write(Magic);
                stream.Write(BitConverter.GetBytes(header.Length));
                stream.Write(header);
                foreach (var name in names)
                {
                    // OptimizerState holds contiguous float32 CPU copies, so the values are read as they are.
                    stream.Write(MemoryMarshal.AsBytes(State.Tensors[name].data<float>().ToArray().AsSpan()));
                }

                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Reads a checkpoint.</summary>
    /// <exception cref="CheckpointException">The file is missing, not a checkpoint, or damaged.</exception>
    public static RunCheckpoint Read(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            using var reader = new BinaryReader(stream);
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
            {
                throw new CheckpointException($"'{path}' is not a NeuralStyle checkpoint; give the file that --checkpoint (CheckpointPath) wrote.");
            }

            var length = reader.ReadInt32();
            if (length <= 0 || length > stream.Length - stream.Position)
            {
                throw Damaged(path);
            }

            var header = JsonSerializer.Deserialize<Header>(reader.ReadBytes(length), Json) ?? throw Damaged(path);
            var state = new OptimizerState();
            try
            {
                foreach (var (key, value) in header.Values)
                {
                    state.Values[key] = value;
                }

                foreach (var entry in header.Tensors)
                {
                    var count = entry.Shape.Aggregate(1L, (a, b) => checked(a * b));
                    if (count < 0 || count * sizeof(float) > stream.Length - stream.Position)
                    {
                        throw Damaged(path);
                    }

                    var values = new float[count];
                    reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
                    state.AddOwned(entry.Name, tensor(values, entry.Shape));
                }

                if (stream.Position != stream.Length)
                {
                    throw Damaged(path);
                }

                var history = header.History.Select(h => h.Length == 4 ? new LossTerms(h[0], h[1], h[2], h[3]) : throw Damaged(path)).ToArray();
                return new RunCheckpoint(header.Library, header.Fingerprint, header.Scale, header.IterationInScale, header.Seed, history, state);
            }
            catch
            {
                state.Dispose();
                throw;
            }
        }
        catch (Exception ex) when (ex is EndOfStreamException or JsonException or OverflowException or ArgumentException or InvalidDataException)
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

        public Dictionary<string, double> Values { get; init; } = new();

        public TensorEntry[] Tensors { get; init; } = [];
    }

    private sealed class TensorEntry
    {
        public string Name { get; init; } = string.Empty;

        public long[] Shape { get; init; } = [];
    }
}
