namespace NeuralStyle.Cli.Tests;

public class CliArgumentsTests
{
    [Fact]
    public void Every_option_reaches_the_run_options()
    {
        var cli = CliArguments.Parse(
        [
            "c.jpg", "s.jpg", "-o", "out.webp", "--size", "300", "--iterations", "42", "--optimizer", "adam",
            "--learning-rate", "0.5", "--content-weight", "2", "--style-weight", "3", "--tv-weight", "4",
            "--content-layers", "block4_conv2", "--style-layers", "block1_conv1:0.5,block2_conv1",
            "--init", "noise", "--seed", "7", "--device", "cuda", "--threads", "1", "--quality", "80",
            "--weights", "w.h5", "--overwrite", "--save-every", "10", "--json",
            "--style-scale", "0.5", "--preserve-colors", "luminance", "--average", "0.9",
            "--start-size", "64", "--pooling", "average", "--tv-norm", "sum", "--precision", "bfloat16", "--style-statistic", "wasserstein",
            "--loss-normalization", "none",
            "--checkpoint", "run.ckpt", "--checkpoint-every", "7", "--resume", "old.ckpt",
        ]);

        var o = cli.Options;
        Assert.Equal("out.webp", o.OutputPath);
        Assert.Equal((300, 42, OptimizerKind.Adam, 0.5), (o.OutputSize, o.Iterations, o.Optimizer, o.Adam.LearningRate));
        Assert.Equal((ComputeDevice.Cuda, "w.h5"), (cli.Settings.Engine.Device, cli.Settings.Engine.WeightsPath));
        Assert.Equal((2.0, 3.0, 4.0), (o.ContentWeight, o.StyleWeight, o.TotalVariationWeight));
        Assert.Equal([new LayerWeight("block4_conv2", 1)], o.ContentLayers);
        Assert.Equal([new LayerWeight("block1_conv1", 0.5), new LayerWeight("block2_conv1", 1)], o.StyleLayers);
        Assert.Same(InitialImage.Noise, o.Initialization);
        Assert.Equal((7, 80, true), (o.Seed, o.OutputQuality, o.OverwriteOutput));
        Assert.Equal(1, cli.Settings.Threads);
        Assert.Equal("'c.jpg'", o.Content!.Description);
        Assert.Equal((10, true), (cli.Settings.SaveEvery, cli.Settings.Json));
        Assert.Equal((0.5, ColorPreservation.LuminanceOnly, 0.9), (o.StyleScale, o.ColorPreservation, o.AveragingDecay));
        Assert.Equal((64, Pooling.Average, TotalVariationNorm.AbsoluteSum, ComputePrecision.BFloat16), (o.StartSize, o.Pooling, o.TotalVariationNorm, o.Precision));
        Assert.Equal((StyleStatistic.Wasserstein, LossNormalization.None), (o.StyleStatistic, o.LossNormalization));
        Assert.Equal("'s.jpg'", Assert.Single(o.Styles).Image.Description);
        Assert.Equal(("run.ckpt", 7, "old.ckpt"), (o.CheckpointPath, o.CheckpointInterval, o.ResumeFrom));
    }

    [Fact]
    public void The_learning_rate_goes_to_the_chosen_optimizer()
    {
        var o = CliArguments.Parse(["c.jpg", "s.jpg", "-o", "o.png", "--optimizer", "l-bfgs", "--learning-rate", "0.25"]).Options;

        Assert.Equal((OptimizerKind.Lbfgs, 0.25), (o.Optimizer, o.Lbfgs.LearningRate));
        Assert.Equal(new AdamSettings().LearningRate, o.Adam.LearningRate);
        Assert.Null(o.Lbfgs.SwitchToAdamAfter);
    }

    [Fact]
    public void Adam_after_sets_when_adam_takes_over_from_lbfgs()
    {
        var o = CliArguments.Parse(["c.jpg", "s.jpg", "-o", "o.png", "--learning-rate", "0.5", "--adam-after", "300"]).Options;

        Assert.Equal((OptimizerKind.Lbfgs, 0.5, 300), (o.Optimizer, o.Lbfgs.LearningRate, o.Lbfgs.SwitchToAdamAfter));
        Assert.Equal(new AdamSettings().LearningRate, o.Adam.LearningRate);
    }

    [Fact]
    public void Several_styles_take_blend_weights_and_masks_in_order()
    {
        var o = CliArguments.Parse(["c.jpg", "a.jpg", "b.jpg", "-o", "out.png", "--style-blend", "0.7,0.3", "--style-masks", "ma.png,mb.png"]).Options;

        Assert.Equal(["'a.jpg'", "'b.jpg'"], o.Styles.Select(s => s.Image.Description));
        Assert.Equal([0.7, 0.3], o.Styles.Select(s => s.Weight));
        Assert.Equal(["'ma.png'", "'mb.png'"], o.Styles.Select(s => s.Mask!.Description));
    }

    [Theory]
    [InlineData("--style-blend", "1")]
    [InlineData("--style-blend", "1,-1")]
    [InlineData("--style-blend", "0,0")]
    [InlineData("--style-masks", "only-one.png")]
    [InlineData("--pooling", "min")]
    [InlineData("--tv-norm", "square")]
    [InlineData("--style-statistic", "histogram")]
    [InlineData("--precision", "fp8")]
    public void Bad_style_and_loss_options_are_one_line_errors(string option, string value)
    {
        var ex = Assert.Throws<ArgumentException>(() => CliArguments.Parse(["c.jpg", "a.jpg", "b.jpg", "-o", "out.png", option, value]));

        Assert.Contains(option, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Defaults_are_the_library_defaults()
    {
        var o = CliArguments.Parse(["c.jpg", "s.jpg", "-o", "out.png"]).Options;
        var defaults = new StyleTransferOptions();

        Assert.Equal((defaults.OutputSize, defaults.Iterations, defaults.Optimizer), (o.OutputSize, o.Iterations, o.Optimizer));
        Assert.False(o.OverwriteOutput);
        Assert.Equal(InitialImageKind.Content, o.Initialization.Kind);
    }

    [Fact]
    public void An_option_added_to_the_catalogue_is_an_option_of_the_tool_parsed_and_described_by_the_catalogue()
    {
        // The same fake option as the web app's test: it sets the output size to twice its value.
        var fake = new RunOption("fake-half-size", "half the output size", "N", null, OptionFronts.Both, null, (o, v, _) => o with { OutputSize = 2 * OptionValues.Int(v) });
        var command = new CliCommand(new RunOptionCatalogue([.. RunOptionCatalogue.Default.Entries, fake]));

        var options = CliArguments.From(command, command.Root.Parse(["c.jpg", "s.jpg", "-o", "o.png", "--fake-half-size", "100"])).Options;
        Assert.Equal(200, options.OutputSize);

        var ex = Assert.ThrowsAny<ArgumentException>(() => CliArguments.From(command, command.Root.Parse(["c.jpg", "s.jpg", "-o", "o.png", "--fake-half-size", "big"])));
        Assert.Equal("--fake-half-size must be a whole number; it was 'big'.", CliErrors.Message(ex));

        using var help = new StringWriter();
        command.Root.Parse(["--help"]).Invoke(new System.CommandLine.InvocationConfiguration { Output = help });
        Assert.Matches(@"--fake-half-size <N>\s+half the output size", help.ToString());
        Assert.Throws<ArgumentException>(() => CliArguments.Parse(["c.jpg", "s.jpg", "-o", "o.png", "--fake-half-size", "100"])); // not an option of the library's catalogue
    }

    [Theory]
    [InlineData("--size must be a whole number; it was 'big'.", "c.jpg", "s.jpg", "-o", "o.png", "--size", "big")]
    [InlineData("--size must be between 16 and 8192; it was 3.", "c.jpg", "s.jpg", "-o", "o.png", "--size", "3")]
    [InlineData("--quality must be between 1 and 100; it was 0.", "c.jpg", "s.jpg", "-o", "o.png", "--quality", "0")]
    [InlineData("--style-scale must be above 0 and at most 8; it was 9.", "c.jpg", "s.jpg", "-o", "o.png", "--style-scale", "9")]
    [InlineData("Unknown option '--colour'", "c.jpg", "s.jpg", "-o", "o.png", "--colour")]
    [InlineData("-o PATH", "c.jpg", "s.jpg")]
    [InlineData("content image and at least one style image", "c.jpg", "-o", "o.png")]
    [InlineData("--optimizer must be one of lbfgs, l-bfgs, adam; it was 'sgd'.", "c.jpg", "s.jpg", "-o", "o.png", "--optimizer", "sgd")]
    [InlineData("--style-blend needs one weight per style image: 1 styles, 2 weights.", "c.jpg", "s.jpg", "-o", "o.png", "--style-blend", "1,2")]
    [InlineData("'--iterations'", "c.jpg", "s.jpg", "-o", "o.png", "--iterations")]
    public void Bad_arguments_give_a_one_line_message_that_names_the_problem(string expected, params string[] args)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => CliArguments.Parse(args));

        var message = CliErrors.Message(ex);
        Assert.Contains(expected, message);
        Assert.DoesNotContain("Actual value", message);
        Assert.DoesNotContain("(Parameter", message);
    }

    [Theory]
    [InlineData("--size=64")]
    [InlineData("--size:64")]
    [InlineData("--size", "64")]
    public void Option_values_may_follow_an_equals_sign_a_colon_or_a_space(params string[] size)
    {
        var o = CliArguments.Parse(["c.jpg", "s.jpg", "-o", "o.png", .. size]).Options;

        Assert.Equal(64, o.OutputSize);
    }

    [Fact]
    public void A_response_file_supplies_arguments()
    {
        var file = Path.Combine(Path.GetTempPath(), $"neuralstyle-{Guid.NewGuid():N}.rsp");
        File.WriteAllLines(file, ["--size 72", "--iterations 9", "--precision bf16"]);
        try
        {
            var o = CliArguments.Parse(["c.jpg", "s.jpg", "-o", "o.png", "@" + file]).Options;

            Assert.Equal((72, 9, ComputePrecision.BFloat16), (o.OutputSize, o.Iterations, o.Precision));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Options_may_come_before_the_images()
    {
        var o = CliArguments.Parse(["--iterations", "11", "-o", "o.png", "c.jpg", "s.jpg"]).Options;

        Assert.Equal((11, "'c.jpg'"), (o.Iterations, o.Content!.Description));
        Assert.Equal("'s.jpg'", Assert.Single(o.Styles).Image.Description);
    }
}
