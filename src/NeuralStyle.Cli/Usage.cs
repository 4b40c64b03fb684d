namespace NeuralStyle.Cli;

/// <summary>The --help text.</summary>
internal static class Usage
{
    public const string Text = """
        neural-style — repaint a photo in the style of an artwork (Gatys et al.).

        Usage:
          neural-style CONTENT STYLE [STYLE...] -o OUTPUT [options]

        Options:
          -o, --output PATH          where to write the result (.png, .jpg, .jpeg, .webp)
          --size N                   longest side of the output in pixels (default 512)
          --iterations N             iterations at the output size (default 50); smaller scales
                                     get more: N·√(size/scale size)
          --start-size N             first scale of the coarse-to-fine schedule, growing by √2 to
                                     --size (default 128; --start-size equal to --size: one scale)
          --optimizer lbfgs|adam     optimiser (default lbfgs)
          --learning-rate X          the optimiser's step size (L-BFGS 1, Adam 0.02)
          --content-weight X         content loss weight (default 1e4)
          --style-weight X           style loss weight (default 1e-2)
          --tv-weight X              total variation weight (default 1.8e7)
          --tv-norm mean|sum         total variation as a mean (default; weights carry across
                                     sizes) or a sum (the TensorFlow tutorial's; use weight 30)
          --content-layers LIST      e.g. block5_conv2 (NAME or NAME:WEIGHT, comma-separated)
          --style-layers LIST        e.g. block1_conv1:0.2,block2_conv1:0.2,...
          --init content|noise|PATH  where the optimisation starts (default content)
          --style-blend W1,W2,...    blend weights of several styles (normalised; default equal)
          --style-masks M1,M2,...    one mask image per style: white where that style applies
          --pooling max|average      pooling between VGG19 blocks (default max)
          --style-scale X            style size relative to the output (0.5: larger strokes; default 1)
          --preserve-colors MODE     none (default), match (recolour the style to the photo's
                                     palette first) or luminance (keep the photo's chroma)
          --average DECAY            iterate averaging, e.g. 0.9: output the moving average of the
                                     iterates (smoother); default 0 (off)
          --seed N                   random seed (noise start)
          --device cpu|cuda          where to compute (default cpu)
          --precision float32|bfloat16
                                     number format of the convolutions (default float32; bfloat16
                                     is about 2x faster on CPUs with AVX-512 BF16)
          --threads N                libtorch intra-op threads
          --weights PATH             VGG19 Keras weights file (default: $NEURALSTYLE_VGG19_WEIGHTS,
                                     then ~/.cache/neuralstyle, then a download)
          --quality N                JPEG/WebP quality 1-100 (default 95)
          --save-every N             also write OUTPUT_0100.png etc. every N iterations
          --overwrite                replace an existing output file
          --json                     one JSON object per iteration on stdout, no live display
          -q, --quiet                no progress output
          --verbose                  stack traces with errors
          -h, --help                 this text
          --version                  the version

        Examples:
          neural-style photo.jpg starry_night.jpg -o out.png
          neural-style photo.jpg scream.jpg -o out.jpg --size 256 --iterations 200
          neural-style photo.jpg starry.jpg scream.jpg --style-blend 0.7,0.3 -o blend.png
          neural-style photo.jpg starry.jpg scream.jpg --style-masks sky.png,ground.png -o mix.png

        Exit codes: 0 success, 1 bad arguments or input, 2 failure at run time, 130 cancelled.
        """;
}
