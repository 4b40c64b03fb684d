using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>The update rule that the settings ask for.</summary>
internal static class UpdateRules
{
    /// <summary>
    /// Adam; L-BFGS; or L-BFGS for <see cref="LbfgsSettings.SwitchToAdamAfter"/> iterations, then Adam
    /// with the moments it gathered meanwhile.
    /// </summary>
    /// <param name="settings">The optimiser and its settings.</param>
    /// <param name="image">The image the rule will move (its size and device).</param>
    public static IUpdateRule For(StyleOptimizerSettings settings, Tensor image)
    {
        if (settings.Optimizer == OptimizerKind.Adam)
        {
            return new AdamRule(image, settings.Adam);
        }

        var lbfgs = new LbfgsRule(image, settings.Lbfgs.LearningRate, settings.Lbfgs.HistorySize);
        return settings.Lbfgs.SwitchToAdamAfter is { } after
            ? new SequenceRule(lbfgs, after, new AdamRule(image, settings.Adam))
            : lbfgs;
    }
}
