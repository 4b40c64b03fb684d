namespace NeuralStyle;

/// <summary>
/// Overlapping tiles that cover an image, with blending weights that sum to one at every pixel.
/// Along each axis the tiles are evenly spaced so that neighbours overlap by at least the given
/// overlap; across each overlap the weight passes linearly from one tile to the next, so that each
/// position counts most for the tile that sees it from further inside. The 2-D weight of a tile is the product of its two axes'
/// weights, so it too sums to one over the tiles.
/// </summary>
internal sealed class TileGrid
{
    public TileGrid(int width, int height, int tileSize, int overlap)
    {
        Guard.MustBePositive(width);
        Guard.MustBePositive(height);
        Guard.MustBeBetween(overlap, 0, (tileSize / 2) - 1, nameof(overlap));
        Width = width;
        Height = height;
        TileSize = tileSize;
        Overlap = overlap;
        var columns = Axis(width, tileSize, overlap);
        var rows = Axis(height, tileSize, overlap);
        Tiles = rows.SelectMany(row => columns.Select(column => new Tile(column.Start, row.Start, column.Length, row.Length, column.Weights, row.Weights))).ToArray();
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The longest side of a tile, overlap included.</summary>
    public int TileSize { get; }

    /// <summary>The least overlap of neighbouring tiles, in pixels.</summary>
    public int Overlap { get; }

    /// <summary>The tiles, row by row.</summary>
    public IReadOnlyList<Tile> Tiles { get; }

    /// <summary>How many tiles cover <paramref name="length"/> pixels with tiles of <paramref name="tileSize"/> overlapping by at least <paramref name="overlap"/>.</summary>
    public static int Count(int length, int tileSize, int overlap) =>
        length <= tileSize ? 1 : (int)Math.Ceiling((double)(length - overlap) / (tileSize - overlap));

    /// <summary>The tiles along one axis: start, length, and the normalised 1-D blending weights.</summary>
    private static (int Start, int Length, float[] Weights)[] Axis(int length, int tileSize, int overlap)
    {
        var count = Count(length, tileSize, overlap);
        if (count == 1)
        {
            return [(0, length, Enumerable.Repeat(1f, length).ToArray())];
        }

        var starts = Enumerable.Range(0, count).Select(i => (int)Math.Round((double)i * (length - tileSize) / (count - 1))).ToArray();
        var raw = starts.Select((start, i) => CrossFade(
            start,
            tileSize,
            i == 0 ? null : (starts[i - 1] + tileSize, start),
            i == count - 1 ? null : (start + tileSize, starts[i + 1]))).ToArray();
        var sums = new double[length];
        for (var i = 0; i < count; i++)
        {
            for (var p = 0; p < tileSize; p++)
            {
                sums[starts[i] + p] += raw[i][p];
            }
        }

        return starts.Select((start, i) => (start, tileSize, raw[i].Select((w, p) => (float)(w / sums[start + p])).ToArray())).ToArray();
    }

    /// <summary>
    /// A tile's raw weights: 1, except across each overlap with a neighbour, over which it passes
    /// linearly from 1 at the neighbour's edge to 0 at its own (half a step inside). Each position
    /// thus counts most for the tile that sees it from further inside: features near a tile's inner
    /// edges see zero padding where the image goes on.
    /// </summary>
    /// <param name="start">The tile's first position.</param>
    /// <param name="tileSize">The tile's length.</param>
    /// <param name="before">The overlap with the tile before, as (end of that tile, start of this one); null for the first tile.</param>
    /// <param name="after">The overlap with the tile after, as (end of this tile, start of that one); null for the last tile.</param>
    private static double[] CrossFade(int start, int tileSize, (int End, int Start)? before, (int End, int Start)? after)
    {
        var weights = new double[tileSize];
        for (var p = 0; p < tileSize; p++)
        {
            var position = start + p + 0.5;
            var rising = before is { } b ? Math.Clamp((position - b.Start) / (b.End - b.Start), 0, 1) : 1;
            var falling = after is { } a ? Math.Clamp((a.End - position) / (a.End - a.Start), 0, 1) : 1;
            weights[p] = Math.Min(rising, falling);
        }

        return weights;
    }

    /// <summary>One tile: its place and size in the image, and its blending weights along x and along y.</summary>
    internal sealed record Tile(int X, int Y, int Width, int Height, float[] WeightsX, float[] WeightsY)
    {
        /// <summary>The tile's blending weight at (x, y) of the tile.</summary>
        public float Weight(int x, int y) => WeightsX[x] * WeightsY[y];
    }
}
