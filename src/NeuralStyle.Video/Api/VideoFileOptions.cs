namespace NeuralStyle.Video;

/// <summary>
/// Which clip to stylise and where the video goes. Immutable and validated as it is set; the files
/// are checked when a run starts, before any work.
/// </summary>
public sealed record VideoFileOptions
{
    private readonly string _input = string.Empty;
    private readonly string _outputPath = string.Empty;
    private readonly double? _frameRate;
    private readonly TimeSpan _from;
    private readonly TimeSpan? _duration;
    private readonly VideoShard _shard = VideoShard.Whole;

    /// <summary>The clip to stylise: any file ffmpeg reads. Its first video stream is taken, and its first audio stream copied into the output.</summary>
    public required string Input { get => _input; init { Guard.NotNullOrWhiteSpace(value, nameof(Input)); _input = value; } }

    /// <summary>The video to write: <c>.mp4</c> (H.264, yuv420p, plays in browsers and on phones) or <c>.webm</c> (VP9). Written atomically: it appears only when complete.</summary>
    public required string OutputPath
    {
        get => _outputPath;
        init
        {
            Guard.NotNullOrWhiteSpace(value, nameof(OutputPath));
            _ = ContainerOf(value);
            _outputPath = value;
        }
    }

    /// <summary>Whether an existing <see cref="OutputPath"/> may be replaced. Default false.</summary>
    public bool OverwriteOutput { get; init; }

    /// <summary>The output's frames per second (the clip is resampled to it), 0.1–240; null keeps the clip's rate.</summary>
    public double? FrameRate
    {
        get => _frameRate;
        init
        {
            if (value is { } rate && (!double.IsFinite(rate) || rate < 0.1 || rate > 240))
            {
                Guard.ThrowOutOfRange(nameof(FrameRate), $"{nameof(FrameRate)} must be between 0.1 and 240 frames per second; it was {rate}.");
            }

            _frameRate = value;
        }
    }

    /// <summary>Where in the clip to start. Default the beginning.</summary>
    public TimeSpan From
    {
        get => _from;
        init
        {
            if (value < TimeSpan.Zero)
            {
                Guard.ThrowOutOfRange(nameof(From), $"{nameof(From)} must not be negative; it was {value}.");
            }

            _from = value;
        }
    }

    /// <summary>How much of the clip to stylise from <see cref="From"/>; null: to the end.</summary>
    public TimeSpan? Duration
    {
        get => _duration;
        init
        {
            if (value is { } length && length <= TimeSpan.Zero)
            {
                Guard.ThrowOutOfRange(nameof(Duration), $"{nameof(Duration)} must be positive; it was {length}.");
            }

            _duration = value;
        }
    }

    /// <summary>
    /// Where finished frames are kept (one PNG each, written atomically), so that a rerun goes on
    /// where an interrupted one stopped and shards meet for the join. Null: <c>OUTPUT.frames</c>
    /// beside the output. Shards on several machines share it (a network folder).
    /// </summary>
    public string? FramesFolder { get; init; }

    /// <summary>Whether the kept frames stay after the video is written. Default false: the folder is removed once the video is complete.</summary>
    public bool KeepFrames { get; init; }

    /// <summary>
    /// The segment of the clip this run stylises. Default <see cref="VideoShard.Whole"/>, which writes
    /// the video; any other shard only keeps its frames, and <see cref="VideoStyleTransfer.JoinAsync"/>
    /// writes the video once every shard is done.
    /// </summary>
    public VideoShard Shard { get => _shard; init => _shard = Guard.NotNullValue(value, nameof(Shard)); }

    /// <summary>The folder of the ffmpeg and ffprobe programs; null: found on PATH.</summary>
    public string? FfmpegFolder { get; init; }

    /// <summary>The folder finished frames are kept in.</summary>
    internal string FramesFolderOrDefault => FramesFolder ?? Path.GetFullPath(OutputPath) + ".frames";

    /// <summary>The container the output's extension names.</summary>
    internal static Media.VideoContainer ContainerOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".mp4" => Media.VideoContainer.Mp4,
        ".webm" => Media.VideoContainer.WebM,
        var other => throw new ArgumentException($"The video's file name must end in .mp4 or .webm; '{other}' is neither.", nameof(OutputPath)),
    };
}
