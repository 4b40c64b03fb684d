namespace NeuralStyle.Cli;

/// <summary>The --help text.</summary>
internal static class Usage
{
    public const string Text = """
        neural-style — repaint a photo in the style of an artwork (Gatys et al.).

        Usage:
          neural-style CONTENT STYLE -o OUTPUT [options]

        Options:
          -o, --output PATH        where to write the result (.png, .jpg, .jpeg, .webp)
          --size N                 longest side of the output in pixels (default 512)
          --iterations N           optimiser iterations (default 500)
          --optimizer adam|lbfgs   optimiser (default adam)
          --content-weight X       content loss weight (default 1e4)
          --style-weight X         style loss weight (default 1e-2)
          --tv-weight X            total variation weight (default 30)
          --weights PATH           VGG19 Keras weights file (default: $NEURALSTYLE_VGG19_WEIGHTS,
                                   then ~/.cache/neuralstyle, then a download)
          --seed N                 random seed
          --threads N              libtorch intra-op threads
          --overwrite              replace an existing output file
          -q, --quiet              no progress output
          -h, --help               this text
          --version                the version

        Examples:
          neural-style photo.jpg starry_night.jpg -o out.png
          neural-style photo.jpg scream.jpg -o out.jpg --size 256 --iterations 200

        Exit codes: 0 success, 1 bad arguments or input, 2 failure at run time, 130 cancelled.
        """;
}
