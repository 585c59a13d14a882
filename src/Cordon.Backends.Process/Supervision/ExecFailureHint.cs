using System.Buffers.Binary;
using Cordon.Policy;

namespace Cordon.Backends.Process.Supervision;

/// <summary>
/// Says why an exec failed with ENOENT when the program itself is there: the kernel reports a missing ELF interpreter
/// (the dynamic loader) with the same errno as a missing program, so "not found" would send the user looking for the
/// wrong file.
/// </summary>
internal static class ExecFailureHint
{
    private const uint PtInterp = 3;

    /// <summary>The detail for an ENOENT exec of <paramref name="program"/>, or null when the program itself is missing.</summary>
    public static string? ForMissingLoader(SandboxPolicy policy, string program)
    {
        if (policy.MountSystemDirectories || !program.StartsWith('/')) return null;
        if (HostPathOf(policy, program) is not { } host || Interpreter(host) is not { } loader) return null;
        return $"program {program} is dynamically linked and its loader {loader} is not inside the sandbox (no system directories, errno 2): "
            + "link it with -static, or run it under a policy with system_dirs = true (e.g. --profile shell)";
    }

    /// <summary>The host file a bind or copied-file mount shows at <paramref name="guestPath"/>, if any.</summary>
    private static string? HostPathOf(SandboxPolicy policy, string guestPath)
    {
        foreach (MountSpec mount in policy.Mounts.Reverse())
        {
            if (mount.HostPath is null) continue;
            if (mount.GuestPath == guestPath) return mount.HostPath;
            string prefix = mount.GuestPath.TrimEnd('/') + "/";
            if (guestPath.StartsWith(prefix, StringComparison.Ordinal)) return Path.Combine(mount.HostPath, guestPath[prefix.Length..]);
        }

        return null;
    }

    /// <summary>PT_INTERP of a 64-bit little-endian ELF file, or null.</summary>
    private static string? Interpreter(string path)
    {
        try
        {
            using FileStream file = File.OpenRead(path);
            Span<byte> header = stackalloc byte[64];
            if (file.Read(header) < 64 || header[0] != 0x7F || header[1] != (byte)'E' || header[2] != (byte)'L' || header[3] != (byte)'F'
                || header[4] != 2 || header[5] != 1) return null;
            long programHeaders = BinaryPrimitives.ReadInt64LittleEndian(header[32..]);
            int entrySize = BinaryPrimitives.ReadUInt16LittleEndian(header[54..]);
            int count = Math.Min((int)BinaryPrimitives.ReadUInt16LittleEndian(header[56..]), 64);
            Span<byte> entry = stackalloc byte[56];
            for (int i = 0; i < count && entrySize >= 56; i++)
            {
                file.Position = programHeaders + ((long)i * entrySize);
                if (file.Read(entry) < 56 || BinaryPrimitives.ReadUInt32LittleEndian(entry) != PtInterp) continue;
                long offset = BinaryPrimitives.ReadInt64LittleEndian(entry[8..]);
                long size = Math.Min(BinaryPrimitives.ReadInt64LittleEndian(entry[32..]), 4096);
                byte[] name = new byte[size];
                file.Position = offset;
                file.ReadExactly(name);
                return System.Text.Encoding.UTF8.GetString(name).TrimEnd('\0');
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }

        return null;
    }
}
