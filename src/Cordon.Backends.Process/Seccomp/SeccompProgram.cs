using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Cordon.Errors;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Process.Seccomp;

/// <summary>A compiled seccomp filter: the raw <c>struct sock_filter[]</c> the launcher installs. Immutable and shareable.</summary>
internal sealed class SeccompProgram
{
    /// <summary>Size of one <c>struct sock_filter</c> instruction.</summary>
    internal const int InstructionBytes = 8;

    /// <summary>BPF_MAXINSNS: the kernel refuses longer seccomp programs.</summary>
    internal const int MaxInstructions = 4096;

    internal SeccompProgram(ImmutableArray<byte> bytes, string description)
    {
        if (bytes.IsDefaultOrEmpty || bytes.Length % InstructionBytes != 0 || bytes.Length / InstructionBytes > MaxInstructions)
        {
            throw new ArgumentException($"not a seccomp program of 1..{MaxInstructions} instructions: {bytes.Length} bytes", nameof(bytes));
        }

        Bytes = bytes;
        Description = description;
    }

    /// <summary>The program, little-endian <c>struct sock_filter</c> records.</summary>
    internal ImmutableArray<byte> Bytes { get; }

    /// <summary>How many BPF instructions it has.</summary>
    internal int InstructionCount => Bytes.Length / InstructionBytes;

    /// <summary>What it was compiled from, e.g. <c>default/None/notify</c>; for logs and test messages.</summary>
    internal string Description { get; }

    /// <summary>
    /// Copies the program into a new sealed memfd for the launcher's <c>--bpf-fd</c>. The memfd is close-on-exec (hand it
    /// over explicitly), its file offset is 0 (the launcher reads it sequentially: use one memfd per launch), and its
    /// seals (SEAL_SHRINK, SEAL_GROW, SEAL_WRITE, SEAL_SEAL) guarantee that whoever holds it reads exactly these bytes.
    /// It is also non-executable where the kernel supports MFD_NOEXEC_SEAL (Linux 6.3).
    /// </summary>
    /// <exception cref="SandboxSetupException">memfd_create, write or sealing failed.</exception>
    internal SafeFileHandle CreateSealedMemfd()
    {
        const string name = "cordon-seccomp-bpf";
        SafeFileHandle memfd = Interop.Libc.MemfdCreate(name,
            Interop.Libc.MfdCloexec | Interop.Libc.MfdAllowSealing | Interop.Libc.MfdNoexecSeal);
        if (memfd.IsInvalid && Marshal.GetLastPInvokeError() == 22 /* EINVAL: kernel older than 6.3 */)
        {
            memfd.Dispose();
            memfd = Interop.Libc.MemfdCreate(name, Interop.Libc.MfdCloexec | Interop.Libc.MfdAllowSealing);
        }

        if (memfd.IsInvalid)
        {
            int errno = Marshal.GetLastPInvokeError();
            memfd.Dispose();
            throw new SandboxSetupException("seccomp-memfd", $"memfd_create: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})",
                "Linux 3.17 or newer is required; a seccomp program is passed to the launcher in a sealed memfd");
        }

        try
        {
            // pwrite: the shared file offset stays at 0 for the launcher's read(2) loop.
            RandomAccess.Write(memfd, Bytes.AsSpan(), fileOffset: 0);
            const int seals = Interop.Libc.FSealShrink | Interop.Libc.FSealGrow | Interop.Libc.FSealWrite | Interop.Libc.FSealSeal;
            if (Interop.Libc.AddSeals(memfd, seals) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw new SandboxSetupException("seccomp-memfd", $"fcntl(F_ADD_SEALS): {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
            }

            return memfd;
        }
        catch (IOException e)
        {
            memfd.Dispose();
            throw new SandboxSetupException("seccomp-memfd", $"cannot write the seccomp program: {e.Message}", inner: e);
        }
        catch
        {
            memfd.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"seccomp program {Description} ({InstructionCount} instructions)";
}
