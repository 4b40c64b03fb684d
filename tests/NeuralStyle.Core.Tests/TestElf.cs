using System.Buffers.Binary;
using System.Text;

namespace NeuralStyle.Core.Tests;

/// <summary>
/// A minimal 64-bit little-endian ELF file written field by field from the ELF specification: a
/// header, three section headers (null, .dynstr, .gnu.version_r) and one Verneed entry with one
/// Vernaux entry. Its layout is fixed, so the offset of every field is known by hand.
/// </summary>
internal static class TestElf
{
    public const int StringsOffset = 64;                          // .dynstr right after the 64-byte ELF header
    public const string Library = "libstdc++.so.6";
    public const int VerneedOffset = 96;                          // .gnu.version_r, 8-byte aligned after .dynstr
    public const int VernauxOffset = VerneedOffset + 16;          // vn_aux = 16: the Vernaux follows the Verneed
    public const int FlagsOffset = VernauxOffset + 4;             // vna_flags: after vna_hash (4 bytes)
    public const int SectionTableOffset = VernauxOffset + 16;     // 128
    public const int Length = SectionTableOffset + (3 * 64);      // 320

    /// <summary>The file, needing <paramref name="versionName"/> from libstdc++ with <paramref name="flags"/>.</summary>
    public static byte[] Build(string versionName, ushort flags = 0)
    {
        var elf = new byte[Length];
        var span = elf.AsSpan();
        "\u007fELF"u8.CopyTo(span);
        elf[4] = 2; // ELFCLASS64
        elf[5] = 1; // ELFDATA2LSB
        elf[6] = 1; // EV_CURRENT
        BinaryPrimitives.WriteUInt64LittleEndian(span[0x28..], SectionTableOffset); // e_shoff
        BinaryPrimitives.WriteUInt16LittleEndian(span[0x34..], 64);                 // e_ehsize
        BinaryPrimitives.WriteUInt16LittleEndian(span[0x3A..], 64);                 // e_shentsize
        BinaryPrimitives.WriteUInt16LittleEndian(span[0x3C..], 3);                  // e_shnum

        // .dynstr: "\0libstdc++.so.6\0<version>\0"
        var strings = Encoding.ASCII.GetBytes("\0" + Library + "\0" + versionName + "\0");
        if (strings.Length > VerneedOffset - StringsOffset)
        {
            throw new ArgumentException("version name too long for the fixed layout", nameof(versionName));
        }

        strings.CopyTo(span[StringsOffset..]);
        var libraryName = 1;
        var versionNameOffset = 1 + Library.Length + 1;

        // Verneed: vn_version, vn_cnt, vn_file, vn_aux, vn_next
        BinaryPrimitives.WriteUInt16LittleEndian(span[VerneedOffset..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(span[(VerneedOffset + 2)..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(span[(VerneedOffset + 4)..], (uint)libraryName);
        BinaryPrimitives.WriteUInt32LittleEndian(span[(VerneedOffset + 8)..], 16);
        BinaryPrimitives.WriteUInt32LittleEndian(span[(VerneedOffset + 12)..], 0);

        // Vernaux: vna_hash, vna_flags, vna_other, vna_name, vna_next
        BinaryPrimitives.WriteUInt32LittleEndian(span[VernauxOffset..], 0x08922974);
        BinaryPrimitives.WriteUInt16LittleEndian(span[(VernauxOffset + 4)..], flags);
        BinaryPrimitives.WriteUInt16LittleEndian(span[(VernauxOffset + 6)..], 2);
        BinaryPrimitives.WriteUInt32LittleEndian(span[(VernauxOffset + 8)..], (uint)versionNameOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(span[(VernauxOffset + 12)..], 0);

        // Section headers: [0] null, [1] .dynstr (SHT_STRTAB), [2] .gnu.version_r (SHT_GNU_verneed, sh_link 1, sh_info 1)
        WriteSection(span[(SectionTableOffset + 64)..], type: 3, offset: StringsOffset, size: strings.Length, link: 0, info: 0);
        WriteSection(span[(SectionTableOffset + 128)..], type: 0x6ffffffe, offset: VerneedOffset, size: 32, link: 1, info: 1);
        return elf;
    }

    private static void WriteSection(Span<byte> header, uint type, long offset, long size, uint link, uint info)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], type);
        BinaryPrimitives.WriteUInt64LittleEndian(header[24..], (ulong)offset);
        BinaryPrimitives.WriteUInt64LittleEndian(header[32..], (ulong)size);
        BinaryPrimitives.WriteUInt32LittleEndian(header[40..], link);
        BinaryPrimitives.WriteUInt32LittleEndian(header[44..], info);
    }
}
