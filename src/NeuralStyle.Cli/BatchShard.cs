using System.Text;

namespace NeuralStyle.Cli;

/// <summary>
/// One of <see cref="Count"/> disjoint parts of a batch: the inputs whose file name's stable hash
/// (64-bit FNV-1a of its UTF-8 bytes, modulo <see cref="Count"/>) is <see cref="Index"/>. The hash
/// depends on the name alone, not on the process, the machine or the order of the folder listing,
/// so processes on different machines agree on the split without talking to each other.
/// </summary>
/// <param name="Index">This shard, from 0.</param>
/// <param name="Count">The number of shards, at least 1.</param>
internal sealed record BatchShard(int Index, int Count)
{
    /// <summary>Every input in one shard.</summary>
    public static BatchShard Whole { get; } = new(0, 1);

    /// <summary>Whether the input named <paramref name="fileName"/> belongs to this shard.</summary>
    public bool Contains(string fileName) => (int)(Fnv1a64(fileName) % (ulong)Count) == Index;

    /// <summary>64-bit FNV-1a of the name's UTF-8 bytes.</summary>
    internal static ulong Fnv1a64(string text)
    {
        const ulong OffsetBasis = 14695981039346656037;
        const ulong Prime = 1099511628211;
        var hash = OffsetBasis;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * Prime;
        }

        return hash;
    }
}
