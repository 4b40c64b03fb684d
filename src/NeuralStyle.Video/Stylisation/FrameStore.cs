using System.Globalization;
using NeuralStyle.Imaging;

namespace NeuralStyle.Video.Stylisation;

/// <summary>
/// The finished frames of a video run, one lossless PNG each (<c>frame-000000.png</c>, …) in a
/// folder, each written atomically: a rerun with the same folder finds how many frames are done
/// (the unbroken run of them from frame 0) and continues after them; a frame cut off mid-write
/// never counts, because it never appears under its name.
/// </summary>
internal sealed class FrameStore
{
    private const string Prefix = "frame-", Extension = ".png";

    /// <param name="folder">The folder; created if missing.</param>
    public FrameStore(string folder)
    {
        Guard.NotNullOrWhiteSpace(folder);
        Folder = Directory.CreateDirectory(folder).FullName;
    }

    /// <summary>The folder the frames are kept in.</summary>
    public string Folder { get; }

    /// <summary>How many frames are done: frames 0 … Count − 1 are all there.</summary>
    public int CountDone()
    {
        var count = 0;
        while (File.Exists(PathOf(count)))
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
    public string PathOf(int index)
    {
        Guard.MustBeBetween(index, 0, 9_999_999);
        return Path.Combine(Folder, Prefix + index.ToString("D6", CultureInfo.InvariantCulture) + Extension);
    }
}
