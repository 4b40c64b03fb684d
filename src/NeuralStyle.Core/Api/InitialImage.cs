namespace NeuralStyle;

/// <summary>Where the optimisation starts.</summary>
public sealed class InitialImage
{
    private InitialImage(InitialImageKind kind, ImageInput? image)
    {
        Kind = kind;
        Image = image;
    }

    /// <summary>What kind of start this is.</summary>
    public InitialImageKind Kind { get; }

    /// <summary>The given image, for <see cref="InitialImageKind.Image"/>; it is resized to the output size.</summary>
    public ImageInput? Image { get; }

    /// <summary>Start from the content image (the default; converges fastest and keeps structure).</summary>
    public static InitialImage Content { get; } = new(InitialImageKind.Content, null);

    /// <summary>Start from uniform noise in [0, 1], drawn from the run's seed.</summary>
    public static InitialImage Noise { get; } = new(InitialImageKind.Noise, null);

    /// <summary>Start from a given image.</summary>
    public static InitialImage From(ImageInput image)
    {
        Guard.NotNull(image);
        return new InitialImage(InitialImageKind.Image, image);
    }
}

/// <summary>The kinds of <see cref="InitialImage"/>.</summary>
public enum InitialImageKind
{
    /// <summary>The content image.</summary>
    Content,

    /// <summary>Seeded uniform noise.</summary>
    Noise,

    /// <summary>A given image.</summary>
    Image,
}
