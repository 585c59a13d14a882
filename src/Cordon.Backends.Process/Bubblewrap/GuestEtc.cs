using System.Collections.Immutable;
using System.Text;

namespace Cordon.Backends.Process.Bubblewrap;

/// <summary>
/// The minimal /etc the guest sees. Account and host files are generated, so host user names, groups and
/// hosts never leak in; only what dynamic linking, locale and time need is bound read-only from the host.
/// </summary>
internal static class GuestEtc
{
    /// <summary>Host files bound read-only when present (no secrets: linker cache, time zone, Debian's alternatives links).</summary>
    public static readonly ImmutableArray<string> HostFiles = ["/etc/ld.so.cache", "/etc/localtime", "/etc/alternatives"];

    public static ImmutableArray<string> PresentHostFiles() => [.. HostFiles.Where(Path.Exists)];

    /// <summary>Generated files: guest path and contents.</summary>
    public static ImmutableArray<(string Path, byte[] Contents)> Generated(bool guestIsRoot)
    {
        int uid = guestIsRoot ? 0 : LaunchCommandLine.GuestUid;
        string home = Cordon.Policy.SandboxPolicy.WorkDirectoryGuestPath;
        string passwd = guestIsRoot
            ? $"root:x:0:0:Cordon guest:{home}:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
            : $"root:x:0:0:root:/nonexistent:/usr/sbin/nologin\nsandbox:x:{uid}:{uid}:Cordon guest:{home}:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
        string group = guestIsRoot ? "root:x:0:\nnogroup:x:65534:\n" : $"root:x:0:\nsandbox:x:{uid}:\nnogroup:x:65534:\n";
        return
        [
            ("/etc/passwd", Encoding.ASCII.GetBytes(passwd)),
            ("/etc/group", Encoding.ASCII.GetBytes(group)),
            ("/etc/hosts", Encoding.ASCII.GetBytes($"127.0.0.1\tlocalhost {LaunchCommandLine.GuestHostname}\n::1\tlocalhost ip6-localhost ip6-loopback\n")),
            ("/etc/nsswitch.conf", Encoding.ASCII.GetBytes("passwd: files\ngroup: files\nshadow: files\nhosts: files\n")),
            ("/etc/hostname", Encoding.ASCII.GetBytes(LaunchCommandLine.GuestHostname + "\n")),
        ];
    }
}
