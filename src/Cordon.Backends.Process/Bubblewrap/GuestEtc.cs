using System.Collections.Immutable;
using System.Text;

namespace Cordon.Backends.Process.Bubblewrap;

/// <summary>
/// The /etc the guest sees (with the system directories): a documented, read-only, non-secret set. Account and host
/// files are generated, so host user names, groups, host names and the machine's name never leak in; the rest is bound
/// read-only from the host, each file for a reason given in <see cref="HostFiles"/>. docs/policy-reference.md lists it.
/// </summary>
internal static class GuestEtc
{
    /// <summary>
    /// Host files and directories bound read-only when present. None holds a secret or an account: the linker cache,
    /// the time zone and Debian's alternatives links make programs run; the rest is configuration for which the host's
    /// copy is the authority.
    /// </summary>
    /// <remarks>
    /// <para>Parser security policies come from the host so that the sandbox never leaves a parser less protected than the
    /// host does: without /etc/ImageMagick-6/policy.xml, ImageMagick falls back to its built-in "open" policy and hands
    /// PostScript and PDF to Ghostscript, which Debian's policy refuses (the 2016-2018 ImageTragick and Ghostscript
    /// sandbox-escape CVEs). Ghostscript's font maps (/etc/ghostscript) keep its rendering the host's.</para>
    /// <para>services and protocols are the public IANA name tables (getservbyname, CPython's socket tests); mime.types maps
    /// suffixes to types; /etc/ssl/certs holds only public CA certificates (never /etc/ssl/private) and openssl.cnf the
    /// host's TLS floor (minimum protocol and security level); /etc/fonts is fontconfig's configuration.</para>
    /// </remarks>
    public static readonly ImmutableArray<string> HostFiles =
    [
        "/etc/ld.so.cache", "/etc/localtime", "/etc/alternatives",
        "/etc/ImageMagick-6", "/etc/ImageMagick-7", "/etc/ghostscript",
        "/etc/services", "/etc/protocols", "/etc/mime.types",
        "/etc/ssl/certs", "/etc/ssl/openssl.cnf", "/etc/ca-certificates.conf",
        "/etc/fonts",
    ];

    /// <summary>
    /// Written by Cordon for git: a repository handed in with --ro belongs to a host user who is not the guest's uid,
    /// and git then stops with "detected dubious ownership". That check keeps another user's repository configuration
    /// (core.fsmonitor, hooks, aliases) from running commands as you; inside the sandbox whatever it runs runs confined,
    /// with the guest's own grants and no more, so trusting every directory opens nothing the sandbox does not already bound.
    /// </summary>
    public const string GitConfig = "[safe]\n\tdirectory = *\n";

    public static ImmutableArray<string> PresentHostFiles() => [.. HostFiles.Where(Path.Exists)];

    /// <summary>Generated files: guest path and contents.</summary>
    /// <param name="guestIsRoot">The guest runs as uid 0.</param>
    /// <param name="resolvConf">With a name server (an allowlist with host names): the guest's resolv.conf, and names then go to DNS after the files.</param>
    public static ImmutableArray<(string Path, byte[] Contents)> Generated(bool guestIsRoot, string? resolvConf = null)
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
            ("/etc/nsswitch.conf", Encoding.ASCII.GetBytes($"passwd: files\ngroup: files\nshadow: files\nhosts: files{(resolvConf is null ? "" : " dns")}\nservices: files\nprotocols: files\n")),
            .. resolvConf is null ? (ReadOnlySpan<(string, byte[])>)[] : [("/etc/resolv.conf", Encoding.ASCII.GetBytes(resolvConf))],
            ("/etc/hostname", Encoding.ASCII.GetBytes(LaunchCommandLine.GuestHostname + "\n")),
            ("/etc/gitconfig", Encoding.ASCII.GetBytes(GitConfig)),
        ];
    }
}
