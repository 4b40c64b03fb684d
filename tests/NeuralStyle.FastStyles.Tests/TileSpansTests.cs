namespace NeuralStyle.FastStyles.Tests;

/// <summary>How a side is cut into tiles, and the blend weights, checked against values worked out by hand.</summary>
public sealed class TileSpansTests
{
    [Fact]
    public void A_side_that_fits_is_one_tile_of_weight_one()
    {
        var spans = new TileSpans(100, 128, 16);

        Assert.Equal(1, spans.Count);
        Assert.Equal(100, spans.Tile);
        Assert.Equal(0, spans.Start(0));
        Assert.Equal(1f, spans.Weight(0, 0));
        Assert.Equal(1f, spans.Weight(0, 99));
    }

    [Fact]
    public void A_long_side_is_cut_into_evenly_spread_tiles_whose_weights_add_up_to_one_where_they_overlap()
    {
        // 200 px in tiles of 64 sharing at least 16: ceil((200 − 16) / (64 − 16)) = 4 tiles, spread by
        // (200 − 64) / 3 = 45.33 px: starts 0, 45, 91, 136; tiles 0 and 1 share 0 + 64 − 45 = 19 px.
        var spans = new TileSpans(200, 64, 16);

        Assert.Equal(4, spans.Count);
        Assert.Equal([0, 45, 91, 136], Enumerable.Range(0, 4).Select(spans.Start));

        // Pixel 50 lies in tiles 0 (offset 50) and 1 (offset 5): (64 − 50) / 20 = 0.7 and (5 + 1) / 20 = 0.3.
        Assert.Equal(0.7f, spans.Weight(0, 50), 6);
        Assert.Equal(0.3f, spans.Weight(1, 5), 6);

        // Outside the shared bands a tile counts alone; the picture's own edges are not faded.
        Assert.Equal(1f, spans.Weight(0, 0));
        Assert.Equal(1f, spans.Weight(1, 30));
        Assert.Equal(1f, spans.Weight(3, 63));
    }
}
