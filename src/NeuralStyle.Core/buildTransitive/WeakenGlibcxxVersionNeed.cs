// MSBuild task compiled by RoslynCodeTaskFactory from NeuralStyle.Core.targets (in the package's
// buildTransitive folder), so every app that references NeuralStyle.Core runs it at build time.
//
// Why: TorchSharp 0.107.0's libLibTorchSharp.so lists a version need on GLIBCXX_3.4.32 (GCC 13's
// libstdc++) for one symbol, std::ios_base_library_init(), that it never calls. Debian 12 and
// Ubuntu 22.04 ship libstdc++ with GLIBCXX_3.4.30, so the dynamic loader refuses the library and
// torch cannot start. Marking that one version need VER_FLG_WEAK tells the loader to accept a
// libstdc++ without it (glibc then only warns under LD_DEBUG). The task edits the copy in the
// build or publish output, never the NuGet cache, and only when the system libstdc++ lacks the
// version (or when forced).
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace NeuralStyle.Build
{
    /// <summary>Marks the GLIBCXX_3.4.32 version need of libLibTorchSharp.so weak where the system lacks it.</summary>
    public sealed class WeakenGlibcxxVersionNeed : Microsoft.Build.Utilities.Task
    {
        /// <summary>The version whose need is made weak.</summary>
        public const string VersionName = "GLIBCXX_3.4.32";

        /// <summary>The libLibTorchSharp.so copies in the output folder.</summary>
        [Required]
        public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

        /// <summary>Patch even when the system libstdc++ defines the version.</summary>
        public bool Force { get; set; }

        /// <inheritdoc />
        public override bool Execute()
        {
            if (Files.Length == 0)
            {
                return true;
            }

            if (!Force)
            {
                var libstdcxx = ElfVersions.FindSystemLibStdCxx();
                if (libstdcxx != null && ElfVersions.DefinesVersion(File.ReadAllBytes(libstdcxx), VersionName))
                {
                    Log.LogMessage(MessageImportance.Low, "NeuralStyle: {0} defines {1}; libLibTorchSharp.so is left as it is.", libstdcxx, VersionName);
                    return true;
                }
            }

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
                    // Write beside and rename: never edits a file that another path hard-links to.
                    var temporary = path + ".neuralstyle.tmp";
                    File.WriteAllBytes(temporary, bytes);
                    File.Copy(temporary, path, true);
                    File.Delete(temporary);
                    Log.LogMessage(MessageImportance.Normal, "NeuralStyle: marked the {0} version need of {1} weak so that it loads with this system's libstdc++.", VersionName, path);
                }
                else
                {
                    Log.LogMessage(MessageImportance.Low, "NeuralStyle: {0}: {1}.", path, outcome);
                }
            }

            return true;
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

        /// <summary>Not a 64-bit little-endian ELF file, or malformed; nothing changed.</summary>
        NotElf64,
    }

    /// <summary>Reads and edits GNU symbol versioning sections of 64-bit little-endian ELF files.</summary>
    public static class ElfVersions
    {
        private const uint ShtGnuVerdef = 0x6ffffffd;
        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const ushort VerFlgWeak = 0x2;

        /// <summary>Sets VER_FLG_WEAK on the Vernaux entry named <paramref name="versionName"/>, in place.</summary>
        public static WeakenOutcome MarkVersionNeedWeak(byte[] elf, string versionName)
        {
            var sections = ReadSections(elf);
            if (sections == null)
            {
                return WeakenOutcome.NotElf64;
            }

            foreach (var section in sections)
            {
                if (section.Type != ShtGnuVerneed)
                {
                    continue;
                }

                var strings = sections[(int)section.Link];
                long need = section.Offset;
                for (var i = 0u; i < section.Info; i++)
                {
                    var count = U16(elf, need + 2);
                    long aux = need + U32(elf, need + 8);
                    for (var j = 0; j < count; j++)
                    {
                        var name = ReadString(elf, strings.Offset + U32(elf, aux + 8));
                        if (name == versionName)
                        {
                            var flags = U16(elf, aux + 4);
                            if ((flags & VerFlgWeak) != 0)
                            {
                                return WeakenOutcome.AlreadyWeak;
                            }

                            var patched = (ushort)(flags | VerFlgWeak);
                            elf[aux + 4] = (byte)patched;
                            elf[aux + 5] = (byte)(patched >> 8);
                            return WeakenOutcome.Patched;
                        }

                        aux += U32(elf, aux + 12);
                    }

                    need += U32(elf, need + 12);
                }
            }

            return WeakenOutcome.NotNeeded;
        }

        /// <summary>Whether the Vernaux entry named <paramref name="versionName"/> carries VER_FLG_WEAK; null if there is none.</summary>
        public static bool? IsVersionNeedWeak(byte[] elf, string versionName)
        {
            var copy = (byte[])elf.Clone();
            var outcome = MarkVersionNeedWeak(copy, versionName);
            return outcome == WeakenOutcome.AlreadyWeak ? true : outcome == WeakenOutcome.Patched ? false : (bool?)null;
        }

        /// <summary>Whether a shared library's version definitions (SHT_GNU_verdef) include <paramref name="versionName"/>.</summary>
        public static bool DefinesVersion(byte[] elf, string versionName)
        {
            var sections = ReadSections(elf);
            if (sections == null)
            {
                return false;
            }

            foreach (var section in sections)
            {
                if (section.Type != ShtGnuVerdef)
                {
                    continue;
                }

                var strings = sections[(int)section.Link];
                long def = section.Offset;
                for (var i = 0u; i < section.Info; i++)
                {
                    long aux = def + U32(elf, def + 12);
                    if (ReadString(elf, strings.Offset + U32(elf, aux)) == versionName)
                    {
                        return true;
                    }

                    def += U32(elf, def + 16);
                }
            }

            return false;
        }

        /// <summary>The libstdc++.so.6 the dynamic loader would most likely pick, or null.</summary>
        public static string? FindSystemLibStdCxx()
        {
            var folders = new List<string>();
            var fromEnvironment = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
            if (!string.IsNullOrEmpty(fromEnvironment))
            {
                folders.AddRange(fromEnvironment!.Split(':'));
            }

            folders.AddRange(new[] { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib" });
            foreach (var folder in folders)
            {
                var candidate = Path.Combine(folder, "libstdc++.so.6");
                if (folder.Length > 0 && File.Exists(candidate))
                {
                    return candidate;
                }
            }

            return null;
        }

        private static Section[]? ReadSections(byte[] elf)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F' || elf[4] != 2 || elf[5] != 1)
            {
                return null;
            }

            var tableOffset = (long)U64(elf, 0x28);
            var entrySize = U16(elf, 0x3A);
            var count = U16(elf, 0x3C);
            if (entrySize < 64 || tableOffset <= 0 || tableOffset + ((long)entrySize * count) > elf.Length)
            {
                return null;
            }

            var sections = new Section[count];
            for (var i = 0; i < count; i++)
            {
                var header = tableOffset + ((long)i * entrySize);
                sections[i] = new Section(U32(elf, header + 4), (long)U64(elf, header + 24), U32(elf, header + 40), U32(elf, header + 44));
                if (sections[i].Link >= count && (sections[i].Type == ShtGnuVerneed || sections[i].Type == ShtGnuVerdef))
                {
                    return null;
                }
            }

            return sections;
        }

        private static string ReadString(byte[] elf, long offset)
        {
            var end = offset;
            while (end < elf.Length && elf[end] != 0)
            {
                end++;
            }

            return Encoding.ASCII.GetString(elf, (int)offset, (int)(end - offset));
        }

        private static ushort U16(byte[] b, long o) => (ushort)(b[o] | (b[o + 1] << 8));

        private static uint U32(byte[] b, long o) => (uint)(b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24));

        private static ulong U64(byte[] b, long o) => U32(b, o) | ((ulong)U32(b, o + 4) << 32);

        private readonly struct Section
        {
            public Section(uint type, long offset, uint link, uint info)
            {
                Type = type;
                Offset = offset;
                Link = link;
                Info = info;
            }

            public uint Type { get; }

            public long Offset { get; }

            public uint Link { get; }

            public uint Info { get; }
        }
    }
}
