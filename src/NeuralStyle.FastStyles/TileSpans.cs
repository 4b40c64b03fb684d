namespace NeuralStyle.FastStyles;

/// <summary>
/// How one side of a picture is cut into overlapping tiles, and each tile's blend weight along it:
/// inside a shared band one tile's weight falls linearly as the next one's rises, and the two always
/// add up to 1, so the blended picture has no seam where the tiles' edges were.
/// </summary>
internal sealed class TileSpans
{
    private readonly int[] _starts;
    private readonly int _length;

    /// <param name="length">The picture's side.</param>
    /// <param name="maxTile">The longest tile side.</param>
    /// <param name="overlap">The least overlap of neighbouring tiles (at most half of <paramref name="maxTile"/>).</param>
    public TileSpans(int length, int maxTile, int overlap)
    {
        _length = length;
        if (length <= maxTile)
        {
            Tile = length;
            _starts = [0];
            return;
        }

        Tile = maxTile;
        var count = (int)Math.Ceiling((double)(length - overlap) / (maxTile - overlap));
        var step = (double)(length - maxTile) / (count - 1);
        _starts = Enumerable.Range(0, count).Select(i => (int)Math.Round(i * step)).ToArray();
    }

    /// <summary>Each tile's side along this axis (the picture's, when one tile covers it).</summary>
    public int Tile { get; }

    /// <summary>How many tiles.</summary>
    public int Count => _starts.Length;

    /// <summary>Where tile <paramref name="index"/> starts.</summary>
    public int Start(int index) => _starts[index];

    /// <summary>The weight of tile <paramref name="index"/> at <paramref name="offset"/> pixels from its start.</summary>
    public float Weight(int index, int offset)
    {
        var weight = 1f;
        if (index > 0)
        {
            var shared = _starts[index - 1] + Tile - _starts[index];
            weight = Math.Min(weight, (offset + 1f) / (shared + 1f));
        }

        if (index < _starts.Length - 1)
        {
            var shared = _starts[index] + Tile - _starts[index + 1];
            weight = Math.Min(weight, (float)(Tile - offset) / (shared + 1f));
        }

        return weight;
    }

    /// <summary>The side this axis covers.</summary>
    public int Length => _length;
}
