namespace NeuralStyle.Video.Media;

/// <summary>The file a video is written as.</summary>
internal enum VideoContainer
{
    /// <summary>H.264 in MP4, yuv420p: plays in browsers and on phones.</summary>
    Mp4,

    /// <summary>VP9 in WebM, yuv420p.</summary>
    WebM,
}
