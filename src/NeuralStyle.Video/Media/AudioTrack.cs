namespace NeuralStyle.Video.Media;

/// <summary>The sound to put into a written video: the first audio stream of <paramref name="Path"/> from <paramref name="From"/>, cut to the video's length.</summary>
/// <param name="Path">The clip whose first audio stream is taken.</param>
/// <param name="From">Where in that clip the video's first frame was taken.</param>
/// <param name="Codec">That stream's codec (ffprobe's name): copied as it is when the container holds it, re-encoded when it does not.</param>
internal sealed record AudioTrack(string Path, TimeSpan From, string Codec);
