using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Process.Tests.Seccomp;

[Collection(SeccompTestCollection.Name)]
public class ReceiveFdTests
{
    private const int Eagain = 11;
    private const int Ebadmsg = 74;

    [Fact]
    public void Nothing_sent_yet_is_EAGAIN_at_once_and_a_closed_peer_is_errno_0()
    {
        (SafeFileHandle mine, SafeFileHandle theirs) = Interop.Libc.SocketPair(seqPacket: true);
        using (mine)
        {
            using (SafeFileHandle nothing = Interop.Libc.ReceiveFd(mine))
            {
                Assert.True(nothing.IsInvalid);
                Assert.Equal(Eagain, Marshal.GetLastPInvokeError());
            }

            theirs.Dispose();
            using SafeFileHandle closed = Interop.Libc.ReceiveFd(mine);
            Assert.True(closed.IsInvalid);
            Assert.Equal(0, Marshal.GetLastPInvokeError());
        }
    }

    [Theory]
    [InlineData(0, Ebadmsg)]   // a message without a descriptor
    [InlineData(2, Ebadmsg)]   // two descriptors: both closed
    [InlineData(3, Ebadmsg)]   // truncated (MSG_CTRUNC): what arrived is closed
    [InlineData(1, 0)]
    public void Anything_but_exactly_one_descriptor_is_refused_without_leaking(int descriptorCount, int expectedErrno)
    {
        // The sender passes descriptors of a file with a unique name, so leaks can be found in /proc/self/fd whatever
        // other tests open meanwhile.
        string marker = Path.Combine(Path.GetTempPath(), $"cordon-receivefd-{Guid.NewGuid():N}");
        File.WriteAllText(marker, "");
        try
        {
            (SafeFileHandle mine, SafeFileHandle theirs) = Interop.Libc.SocketPair(seqPacket: true);
            using (mine)
            {
                using (theirs)
                {
                    Assert.Equal(0, Interop.Libc.SetCloseOnExec(theirs, false));
                    string script = $"import socket; s = socket.socket(fileno={theirs.DangerousGetHandle()}); "
                        + $"files = [open('{marker}') for _ in range({descriptorCount})]; socket.send_fds(s, [b'L'], [f.fileno() for f in files])";
                    using var python = System.Diagnostics.Process.Start(new ProcessStartInfo("/usr/bin/python3", ["-c", script]))!;
                    Assert.True(python.WaitForExit(30_000));
                    Assert.True(python.ExitCode == 0, "the python sender failed");
                }

                using SafeFileHandle received = Interop.Libc.ReceiveFd(mine);
                int error = Marshal.GetLastPInvokeError();

                Assert.Equal(expectedErrno == 0, !received.IsInvalid);
                Assert.Equal(expectedErrno, error);
                Assert.Equal(expectedErrno == 0 ? 1 : 0, OpenDescriptorsOf(marker));
            }
        }
        finally
        {
            File.Delete(marker);
        }
    }

    private static int OpenDescriptorsOf(string path) => Directory.GetFiles("/proc/self/fd").Count(link =>
    {
        try
        {
            return new FileInfo(link).LinkTarget == path;
        }
        catch (IOException)
        {
            return false; // closed meanwhile
        }
    });
}
