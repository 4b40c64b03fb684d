namespace NeuralStyle.Video.Media;

/// <summary>The sound to copy into a written video: the audio of <paramref name="Path"/> from <paramref name="From"/>, cut to the video's length.</summary>
/// <param name="Path">The clip whose first audio stream is copied (not re-encoded).</param>
/// <param name="From">Where in that clip the video's first frame was taken.</param>
internal sealed record AudioTrack(string Path, TimeSpan From);
