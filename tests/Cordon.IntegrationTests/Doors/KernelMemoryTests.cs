using Cordon.Execution;
using Cordon.IntegrationTests.Support;
using Cordon.Policy;
using Cordon.Units;

namespace Cordon.IntegrationTests.Doors;

/// <summary>Kernel memory a guest can make the host hold for it is charged to the run.</summary>
public class KernelMemoryTests : SandboxTest
{
    [Fact]
    public async Task Tcp_buffers_of_a_loopback_guest_are_bounded_by_its_memory_limit()
    {
        // 64 loopback connections whose receivers never read: with autotuned buffers each can hold several MiB, about
        // 300 MiB in all when nothing charges them (measured before the fix), outside a 32 MiB memory cgroup.
        SandboxPolicy policy = new SandboxPolicyBuilder().WithNetwork(NetworkMode.Loopback).WithMemory(32 * ByteSize.MiB).WithOpenFiles(1024).Build();
        SandboxResult r = await PythonAsync("""
            import socket, errno
            listener = socket.socket(); listener.bind(("127.0.0.1", 0)); listener.listen(128)
            pairs, queued, chunk = [], 0, b"x" * 65536
            for _ in range(64):
                c = socket.create_connection(listener.getsockname()); s, _ = listener.accept()
                c.setblocking(False); pairs.append((c, s))
            progress = True
            while progress:
                progress = False
                for c, _ in pairs:
                    try:
                        queued += c.send(chunk); progress = True
                    except (BlockingIOError, OSError):
                        pass
            print(queued)
            """, policy);

        AssertExited(r);
        long queued = long.Parse(Stdout(r).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        // The memory limit bounds the TCP buffers (plus per-socket minimums the kernel always grants).
        Assert.True(queued <= 48 * ByteSize.MiB, $"the guest queued {ByteSize.Format(queued)} in TCP buffers with a 32 MiB memory limit");
        Assert.True(queued > 0);
    }
}
