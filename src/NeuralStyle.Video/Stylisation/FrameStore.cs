using System.Globalization;
using System.Text;
using NeuralStyle.Imaging;

namespace NeuralStyle.Video.Stylisation;

/// <summary>
/// The finished frames of a video run, one lossless PNG each (<c>frame-000000.png</c>, …) in a
/// folder, each written atomically: a rerun with the same folder finds how many frames are done
/// and continues after them; a frame cut off mid-write never counts, because it never appears under
/// its name. A shard's frames past its own end, which the join fades from, are kept as
/// <c>tail-000000.png</c>, …. Each shard that has kept all its frames (and its tail) says so in
/// <c>shard-I-of-N.done</c>, which names its frames, so that the join knows the clip is complete and how long it is.
/// </summary>
internal sealed class FrameStore
{
    private const string Prefix = "frame-", TailPrefix = "tail-", Extension = ".png";

    /// <param name="folder">The folder; created if missing.</param>
    public FrameStore(string folder)
    {
        Guard.NotNullOrWhiteSpace(folder);
        Folder = Directory.CreateDirectory(folder).FullName;
    }

    /// <summary>The folder the frames are kept in.</summary>
    public string Folder { get; }

    /// <summary>How many frames are done from <paramref name="first"/> on: frames first … first + Count − 1 are all there.</summary>
    public int CountDone(int first = 0)
    {
        var count = 0;
        while (File.Exists(PathOf(first + count)))
        {
            count++;
        }

        return count;
    }

    /// <summary>Keeps a finished frame (replacing an older copy).</summary>
    public Task SaveAsync(int index, RgbImage frame, CancellationToken cancellationToken) =>
        frame.SaveAsync(PathOf(index), new ImageSaveOptions { Overwrite = true }, cancellationToken);

    /// <summary>A kept frame.</summary>
    public RgbImage Load(int index) => RgbImage.Load(PathOf(index));

    /// <summary>Where frame <paramref name="index"/> is kept.</summary>
    public string PathOf(int index) => PathOf(Prefix, index);

    /// <summary>Keeps a frame of a shard's tail (past its own end).</summary>
    public Task SaveTailAsync(int index, RgbImage frame, CancellationToken cancellationToken) =>
        frame.SaveAsync(TailPathOf(index), new ImageSaveOptions { Overwrite = true }, cancellationToken);

    /// <summary>A kept frame of a shard's tail.</summary>
    public RgbImage LoadTail(int index) => RgbImage.Load(TailPathOf(index));

    /// <summary>Where frame <paramref name="index"/> of a shard's tail is kept.</summary>
    public string TailPathOf(int index) => PathOf(TailPrefix, index);

    /// <summary>Records that <paramref name="shard"/> has kept all its frames, [<paramref name="first"/>, <paramref name="end"/>).</summary>
    public Task MarkDoneAsync(VideoShard shard, int first, int end, CancellationToken cancellationToken) =>
        AtomicFile.WriteAsync(MarkerOf(shard), Encoding.ASCII.GetBytes(FormattableString.Invariant($"{first} {end}\n")), overwrite: true, cancellationToken);

    /// <summary>The frames a shard of <paramref name="count"/> recorded as kept, each [First, End), or null for a shard not done.</summary>
    public IReadOnlyList<(int First, int End)?> ShardsDone(int count) =>
        Enumerable.Range(0, count).Select(index => ReadMarker(new VideoShard(index, count))).ToArray();

    /// <summary>Removes the folder and everything in it.</summary>
    public void Delete() => Directory.Delete(Folder, recursive: true);

    private (int First, int End)? ReadMarker(VideoShard shard)
    {
        var path = MarkerOf(shard);
        if (!File.Exists(path))
        {
            return null;
        }

        var parts = File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var end)
            && end >= first
                ? (first, end)
                : throw new VideoException($"The frames folder '{Folder}' holds a damaged record of shard {shard} ('{Path.GetFileName(path)}'); delete it and run that shard again.");
    }

    private string PathOf(string prefix, int index)
    {
        Guard.MustBeBetween(index, 0, 9_999_999);
        return Path.Combine(Folder, prefix + index.ToString("D6", CultureInfo.InvariantCulture) + Extension);
    }

    private string MarkerOf(VideoShard shard) => Path.Combine(Folder, FormattableString.Invariant($"shard-{shard.Index}-of-{shard.Count}.done"));
}
