using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace NeuralStyle.Imaging.Tests;

/// <summary>
/// A minimal PNG encoder for tests, so that each colour type and bit depth the decoder must handle
/// (grayscale, palette, 16-bit, alpha) can be written byte for byte, and headers can lie.
/// </summary>
internal static class PngWriter
{
    public const byte Gray = 0, Rgb = 2, Palette = 3, GrayAlpha = 4, Rgba = 6;

    /// <param name="rows">Raw scanlines without filter bytes, already in the colour type's layout.</param>
    public static byte[] Write(int width, int height, byte colorType, byte bitDepth, byte[] rows, byte[]? palette = null)
    {
        var rowBytes = rows.Length / height;
        var filtered = new byte[(rowBytes + 1) * height];
        for (var y = 0; y < height; y++)
        {
            filtered[y * (rowBytes + 1)] = 0;
            Array.Copy(rows, y * rowBytes, filtered, (y * (rowBytes + 1)) + 1, rowBytes);
        }

        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(filtered);
        }

        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = bitDepth;
        header[9] = colorType;
        WriteChunk(png, "IHDR", header);
        if (palette is not null)
        {
            WriteChunk(png, "PLTE", palette);
        }

        WriteChunk(png, "IDAT", compressed.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream output, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        output.Write(length);
        var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        output.Write(typeAndData);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typeAndData));
        output.Write(crc);
    }

    internal static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return crc ^ 0xFFFFFFFFu;
    }
}
