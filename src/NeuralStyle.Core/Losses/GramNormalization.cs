namespace NeuralStyle;

/// <summary>What a Gram matrix F·Fᵀ is divided by. The classic implementations differ here.</summary>
public enum GramNormalization
{
    /// <summary>
    /// Divide by the number of positions H·W (the default; the TensorFlow tutorial, the golden
    /// reference, and crowsonkb/style-transfer-pytorch use this).
    /// </summary>
    Positions,

    /// <summary>Divide by C·H·W (jcjohnson/neural-style and the PyTorch tutorial).</summary>
    ChannelsAndPositions,

    /// <summary>No division (Gatys et al.'s paper, which divides in the loss by 4·N²·M² instead).</summary>
    None,
}
