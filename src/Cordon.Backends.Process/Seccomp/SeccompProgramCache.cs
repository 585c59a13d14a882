using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Cordon.HostFiles;

namespace Cordon.Backends.Process.Seccomp;

/// <summary>
/// Compiled filters kept on this host, so a cold process (every <c>cordon run</c>) loads the program instead of loading
/// libseccomp and compiling it (about 1.6 ms of CPU per run, measured). An entry is named by the SHA-256 of everything
/// the program depends on: the rules, the refused-call action, the compiler's own settings, the libseccomp library
/// file (device, inode, size, mtime) and the kernel release; any change is a miss and a fresh compilation. The hashes are
/// <see cref="ManagedSha256"/>'s, so a cached run never loads OpenSSL.
/// </summary>
/// <remarks>
/// A filter from the cache is installed as the sandbox's seccomp policy, so the cache is trusted only as far as the
/// process itself is: as root it lives in <c>/var/cache/cordon/seccomp</c>, and both the directory and each entry must be
/// owned by the current user and writable by nobody else, opened without following links; otherwise the entry is
/// ignored and the filter compiled. Each entry also carries its key and the SHA-256 of its program, so a torn or
/// corrupted write is a miss, never a wrong filter. The equivalence with what libseccomp produces is tested.
/// </remarks>
internal static class SeccompProgramCache
{
    /// <summary>Bump when <see cref="SeccompFilterCompiler"/> changes how it drives libseccomp.</summary>
    private const string CompilerFormat = "cordon-seccomp-v1 bad-arch=kill-process nnp=0 optimize=2";

    private static readonly byte[] Magic = "CORDON-BPF-1\n"u8.ToArray();

    private static readonly string[] LibraryDirectories = ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/usr/local/lib"];

    private static readonly Lazy<string?> HostIdentity = new(ReadHostIdentity);

    /// <summary>Where entries live, or null when no safe place exists (then every filter is compiled).</summary>
    internal static string? Directory { get; } = DefaultDirectory();

    /// <summary>The entry name for <paramref name="rules"/> on this host, or null when the library's identity is unknown.</summary>
    internal static string? Key(SeccompRuleSet rules, RefusedCallAction refused)
    {
        if (HostIdentity.Value is not { } host) return null;
        var text = new StringBuilder(8192);
        text.Append(CompilerFormat).Append('\n').Append(host).Append('\n').Append(refused).Append('\n');
        foreach (SyscallRule rule in rules.Rules)
        {
            text.Append(rule.Name).Append(' ').Append(rule.Action).Append(' ').Append(rule.Errno.ToString(CultureInfo.InvariantCulture));
            foreach (ImmutableArray<ArgumentCondition> alternative in rule.WhenAny.IsDefault ? [] : rule.WhenAny)
            {
                text.Append(" | ").Append(string.Join(" && ", alternative));
            }

            text.Append('\n');
        }

        return Convert.ToHexStringLower(ManagedSha256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>The cached program for <paramref name="key"/>, or null (missing, unsafe, stale or corrupt).</summary>
    internal static SeccompProgram? TryLoad(string? dir, string key, string description)
    {
        if (dir is null || !IsPrivate(dir, expectDirectory: true)) return null;
        string path = Path.Combine(dir, key + ".bpf");
        try
        {
            OpenedHostPath opened = HostPath.OpenFile(path, "seccomp cache", 64 * 1024);
            byte[] file;
            using (opened.Handle)
            {
                if (!Owned(opened)) return null;
                file = new byte[RandomAccess.GetLength(opened.Handle)];
                if (RandomAccess.Read(opened.Handle, file, 0) != file.Length) return null;
            }

            int header = Magic.Length + 32 + 32;
            if (file.Length <= header || (file.Length - header) % SeccompProgram.InstructionBytes != 0) return null;
            if (!file.AsSpan(0, Magic.Length).SequenceEqual(Magic) || !file.AsSpan(Magic.Length, 32).SequenceEqual(Convert.FromHexString(key))) return null;
            ReadOnlySpan<byte> program = file.AsSpan(header);
            if (!file.AsSpan(Magic.Length + 32, 32).SequenceEqual(ManagedSha256.HashData(program))) return null;
            return new SeccompProgram([.. program], description);
        }
        catch (Cordon.Errors.SandboxSetupException)
        {
            return null; // missing, or a link, FIFO or device in its place
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Stores <paramref name="program"/> under <paramref name="key"/> (write to a private temporary, then rename); best effort.</summary>
    internal static void TryStore(string? dir, string key, SeccompProgram program)
    {
        if (dir is null) return;
        try
        {
            System.IO.Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            if (!IsPrivate(dir, expectDirectory: true)) return;
            byte[] bytes = [.. program.Bytes];
            string temp = Path.Combine(dir, $".{key}.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}.tmp");
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(Magic);
                stream.Write(Convert.FromHexString(key));
                stream.Write(ManagedSha256.HashData(bytes));
                stream.Write(bytes);
            }

            File.Move(temp, Path.Combine(dir, key + ".bpf"), overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A cache that cannot be written only costs the next run a compilation.
        }
    }

    private static bool IsPrivate(string path, bool expectDirectory)
    {
        try
        {
            OpenedHostPath opened = HostPath.OpenForBinding(path, "seccomp cache");
            using (opened.Handle)
            {
                return (opened.Kind == HostObjectKind.Directory) == expectDirectory && Owned(opened);
            }
        }
        catch (Cordon.Errors.SandboxSetupException)
        {
            return false;
        }
    }

    /// <summary>Owned by this process's user and writable by no one else.</summary>
    private static bool Owned(OpenedHostPath opened) => opened.OwnerUid == Interop.Libc.GetEuid() && (opened.Mode & 0x12 /* go-w */) == 0;

    private static string? DefaultDirectory()
    {
        if (Interop.Libc.GetEuid() == 0) return "/var/cache/cordon/seccomp";
        string? cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrEmpty(cache) || !Path.IsPathRooted(cache))
        {
            string? home = Environment.GetEnvironmentVariable("HOME");
            if (string.IsNullOrEmpty(home) || !Path.IsPathRooted(home)) return null;
            cache = Path.Combine(home, ".cache");
        }

        return Path.Combine(cache, "cordon", "seccomp");
    }

    /// <summary>The libseccomp files the loader may pick and the kernel release: a change in either is a new key.</summary>
    private static string? ReadHostIdentity()
    {
        var text = new StringBuilder();
        foreach (string dir in LibraryDirectories)
        {
            string path = Path.Combine(dir, Interop.Libraries.Libseccomp);
            if (!File.Exists(path)) continue;
            var info = new FileInfo(path);
            FileSystemInfo target = info.ResolveLinkTarget(returnFinalTarget: true) ?? info;
            if (target is not FileInfo file || !file.Exists) continue;
            text.Append(file.FullName).Append(' ').Append(file.Length.ToString(CultureInfo.InvariantCulture)).Append(' ')
                .Append(file.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture)).Append(';');
        }

        if (text.Length == 0) return null;
        try
        {
            text.Append(File.ReadAllText("/proc/sys/kernel/osrelease").Trim());
        }
        catch (IOException)
        {
            return null;
        }

        return text.ToString();
    }
}
