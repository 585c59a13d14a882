using System.Runtime.InteropServices;
using Cordon.Backends.Process.Seccomp;
using Cordon.Policy;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Process.Tests.Seccomp;

public class SeccompProgramTests
{
    [Fact]
    public void The_sealed_memfd_holds_exactly_the_program_and_cannot_be_changed()
    {
        SeccompProgram program = SeccompFilterCompiler.Compile(SyscallPolicy.Default, NetworkMode.None);

        using SafeFileHandle memfd = program.CreateSealedMemfd();

        Assert.Equal(program.Bytes.Length, RandomAccess.GetLength(memfd));
        byte[] copy = new byte[program.Bytes.Length];
        Assert.Equal(copy.Length, RandomAccess.Read(memfd, copy, 0));
        Assert.Equal(program.Bytes, copy);

        const int all = Interop.Libc.FSealSeal | Interop.Libc.FSealShrink | Interop.Libc.FSealGrow | Interop.Libc.FSealWrite;
        Assert.Equal(all, Interop.Libc.GetSeals(memfd) & all);
        Assert.Throws<UnauthorizedAccessException>(() => RandomAccess.Write(memfd, new byte[] { 1 }, 0)); // EPERM
        Assert.Equal(-1, Interop.Libc.AddSeals(memfd, 0x10));
        Assert.Equal(1 /* EPERM: sealing is sealed */, Marshal.GetLastPInvokeError());

        // The launcher read(2)s from the shared file offset, which must still be 0.
        using var stream = new FileStream(memfd, FileAccess.Read);
        Assert.Equal(0, stream.Position);
    }

    [Fact]
    public void A_program_must_be_whole_instructions_within_the_kernel_limit()
    {
        Assert.Throws<ArgumentException>(() => new SeccompProgram([1, 2, 3], "bad"));
        Assert.Throws<ArgumentException>(() => new SeccompProgram([], "empty"));
        Assert.Throws<ArgumentException>(() => new SeccompProgram([.. new byte[8 * 4097]], "long"));
    }
}
