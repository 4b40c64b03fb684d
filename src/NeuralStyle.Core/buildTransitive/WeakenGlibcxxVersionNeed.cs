// MSBuild task compiled by RoslynCodeTaskFactory from NeuralStyle.Core.targets (in the package's
// buildTransitive folder), so every app that references NeuralStyle.Core runs it at build time.
//
// Why: TorchSharp 0.107.0's libLibTorchSharp.so lists a version need on GLIBCXX_3.4.32 (GCC 13's
// libstdc++) for one symbol, std::ios_base_library_init(), that it never calls. Debian 12 and
// Ubuntu 22.04 ship libstdc++ with GLIBCXX_3.4.30, so the dynamic loader refuses the library and
// torch cannot start. Marking that one version need VER_FLG_WEAK tells the loader to accept a
// libstdc++ without it; where libstdc++ has the version the flag changes nothing. So every Linux
// copy in a build or publish output is patched, whatever machine builds it. The task replaces the
// output copy by a rename and never writes to the NuGet cache.
#nullable enable
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace NeuralStyle.Build
{
    /// <summary>Marks the GLIBCXX_3.4.32 version need of libLibTorchSharp.so weak in a build or publish output.</summary>
    public sealed class WeakenGlibcxxVersionNeed : Microsoft.Build.Utilities.Task
    {
        /// <summary>The version whose need is made weak.</summary>
        public const string VersionName = "GLIBCXX_3.4.32";

        /// <summary>The libLibTorchSharp.so copies in the output folder.</summary>
        [Required]
        public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

        /// <inheritdoc />
        public override bool Execute()
        {
            foreach (var item in Files)
            {
                var path = item.ItemSpec;
                if (!File.Exists(path))
                {
                    continue;
                }

                var bytes = File.ReadAllBytes(path);
                var outcome = ElfVersions.MarkVersionNeedWeak(bytes, VersionName);
                if (outcome == WeakenOutcome.Patched)
                {
                    Replace(path, bytes);
                    Log.LogMessage(MessageImportance.Normal, "NeuralStyle: marked the {0} version need of {1} weak so that it loads on Debian 12 and Ubuntu 22.04.", VersionName, path);
                }
                else if (outcome == WeakenOutcome.Malformed)
                {
                    Log.LogWarning("NeuralStyle: {0} is not a well-formed 64-bit ELF library; it was left as it is and may not load on systems older than GCC 13's libstdc++.", path);
                }
                else
                {
                    Log.LogMessage(MessageImportance.Low, "NeuralStyle: {0}: {1}.", path, outcome);
                }
            }

            return true;
        }

        /// <summary>
        /// Writes the patched bytes beside <paramref name="path"/> and renames them over it: the path
        /// then names a new file, and any other path hard-linked to the old one (a NuGet cache entry)
        /// keeps the original bytes.
        /// </summary>
        internal static void Replace(string path, byte[] bytes)
        {
            var temporary = path + ".neuralstyle.tmp";
            File.WriteAllBytes(temporary, bytes);
            try
            {
                File.Replace(temporary, path, null); // A rename on Unix; File.Move's overwrite overload is missing on .NET Framework's MSBuild.
            }
            catch
            {
                File.Delete(temporary);
                throw;
            }
        }
    }

    /// <summary>What <see cref="ElfVersions.MarkVersionNeedWeak"/> did.</summary>
    public enum WeakenOutcome
    {
        /// <summary>The flag was set in the buffer.</summary>
        Patched,

        /// <summary>The version need was already weak; nothing changed.</summary>
        AlreadyWeak,

        /// <summary>The file needs no such version; nothing changed.</summary>
        NotNeeded,

        /// <summary>Not a 64-bit little-endian ELF file, or an offset or count in it points outside the file; nothing changed.</summary>
        Malformed,
    }

    /// <summary>
    /// Reads and edits the GNU version needs (SHT_GNU_verneed) of 64-bit little-endian ELF files.
    /// Every offset and count read from the file is checked against its length before use.
    /// </summary>
    public static class ElfVersions
    {
        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const ushort VerFlgWeak = 0x2;
        private const int VerneedSize = 16;
        private const int VernauxSize = 16;

        /// <summary>Sets VER_FLG_WEAK on the Vernaux entry named <paramref name="versionName"/>, in place.</summary>
        public static WeakenOutcome MarkVersionNeedWeak(byte[] elf, string versionName)
        {
            try
            {
                var flagsOffset = FindVersionNeedFlags(new Reader(elf), versionName);
                if (flagsOffset < 0)
                {
                    return WeakenOutcome.NotNeeded;
                }

                var flags = (ushort)(elf[flagsOffset] | (elf[flagsOffset + 1] << 8));
                if ((flags & VerFlgWeak) != 0)
                {
                    return WeakenOutcome.AlreadyWeak;
                }

                var patched = (ushort)(flags | VerFlgWeak);
                elf[flagsOffset] = (byte)patched;
                elf[flagsOffset + 1] = (byte)(patched >> 8);
                return WeakenOutcome.Patched;
            }
            catch (MalformedElfException)
            {
                return WeakenOutcome.Malformed;
            }
        }

        /// <summary>The file offset of the vna_flags field of the need named <paramref name="versionName"/>, or -1.</summary>
        private static long FindVersionNeedFlags(Reader elf, string versionName)
        {
            if (elf.Length < 64 || elf.U8(0) != 0x7f || elf.U8(1) != 'E' || elf.U8(2) != 'L' || elf.U8(3) != 'F' || elf.U8(4) != 2 || elf.U8(5) != 1)
            {
                throw new MalformedElfException();
            }

            var tableOffset = (long)elf.U64(0x28);
            var entrySize = elf.U16(0x3A);
            var count = elf.U16(0x3C);
            if (entrySize < 64)
            {
                throw new MalformedElfException();
            }

            for (var i = 0; i < count; i++)
            {
                var header = elf.Checked(tableOffset + ((long)i * entrySize), 64);
                if (elf.U32(header + 4) != ShtGnuVerneed)
                {
                    continue;
                }

                var link = elf.U32(header + 40);
                if (link >= count)
                {
                    throw new MalformedElfException();
                }

                var strings = (long)elf.U64(elf.Checked(tableOffset + ((long)link * entrySize), 64) + 24);
                var found = FindInVerneedSection(elf, (long)elf.U64(header + 24), (long)elf.U64(header + 32), elf.U32(header + 44), strings, versionName);
                if (found >= 0)
                {
                    return found;
                }
            }

            return -1;
        }

        /// <summary>Walks one SHT_GNU_verneed section: <paramref name="needCount"/> Verneed entries, each with its chain of Vernaux entries.</summary>
        private static long FindInVerneedSection(Reader elf, long start, long size, uint needCount, long strings, string versionName)
        {
            var end = elf.Checked(start, size) + size;
            var need = start;
            for (var i = 0u; i < needCount; i++)
            {
                elf.CheckedWithin(need, VerneedSize, end);
                var auxCount = elf.U16(need + 2);
                var aux = need + elf.U32(need + 8);
                for (var j = 0; j < auxCount; j++)
                {
                    elf.CheckedWithin(aux, VernauxSize, end);
                    if (elf.String(strings + elf.U32(aux + 8)) == versionName)
                    {
                        return aux + 4;
                    }

                    var nextAux = elf.U32(aux + 12);
                    if (nextAux == 0)
                    {
                        break;
                    }

                    aux += nextAux;
                }

                var nextNeed = elf.U32(need + 12);
                if (nextNeed == 0)
                {
                    break;
                }

                need += nextNeed;
            }

            return -1;
        }

        /// <summary>Little-endian reads that throw <see cref="MalformedElfException"/> instead of reading outside the file.</summary>
        private readonly struct Reader
        {
            private readonly byte[] _bytes;

            public Reader(byte[] bytes) => _bytes = bytes;

            public long Length => _bytes.Length;

            /// <summary>Returns <paramref name="offset"/> if <paramref name="length"/> bytes from it lie inside the file.</summary>
            public long Checked(long offset, long length) => CheckedWithin(offset, length, _bytes.Length);

            /// <summary>Returns <paramref name="offset"/> if <paramref name="length"/> bytes from it lie before <paramref name="end"/> and inside the file.</summary>
            public long CheckedWithin(long offset, long length, long end)
            {
                if (offset < 0 || length < 0 || end > _bytes.Length || offset > end - length)
                {
                    throw new MalformedElfException();
                }

                return offset;
            }

            public byte U8(long offset) => _bytes[Checked(offset, 1)];

            public ushort U16(long offset)
            {
                var o = Checked(offset, 2);
                return (ushort)(_bytes[o] | (_bytes[o + 1] << 8));
            }

            public uint U32(long offset)
            {
                var o = Checked(offset, 4);
                return (uint)(_bytes[o] | (_bytes[o + 1] << 8) | (_bytes[o + 2] << 16) | (_bytes[o + 3] << 24));
            }

            public ulong U64(long offset) => U32(offset) | ((ulong)U32(offset + 4) << 32);

            /// <summary>The NUL-terminated ASCII string at <paramref name="offset"/>; one without its NUL inside the file is malformed.</summary>
            public string String(long offset)
            {
                var start = Checked(offset, 1);
                var end = start;
                while (end < _bytes.Length && _bytes[end] != 0)
                {
                    end++;
                }

                if (end == _bytes.Length)
                {
                    throw new MalformedElfException();
                }

                return Encoding.ASCII.GetString(_bytes, (int)start, (int)(end - start));
            }
        }

        private sealed class MalformedElfException : Exception
        {
        }
    }
}
