using System.Collections.Immutable;

namespace Cordon.PolicyFiles.Audit;

/// <summary>
/// Security policies that programs read from the host's /etc and that make them refuse dangerous input. With the system
/// directories, Cordon's generated /etc binds each of them from the host; a policy that brings the program in some other
/// way (its own mount of /usr, or covering /etc) runs the program without its host's protection.
/// </summary>
internal static class HostSecurityPolicies
{
    /// <param name="Program">Who applies it.</param>
    /// <param name="PolicyPath">The host file, bound at the same path in the guest.</param>
    /// <param name="Binaries">Host files that are that program; a mount showing one of them brings the program in.</param>
    /// <param name="Protects">What the policy refuses, in a phrase.</param>
    internal sealed record Entry(string Program, string PolicyPath, ImmutableArray<string> Binaries, string Protects);

    internal static ImmutableArray<Entry> Known { get; } =
    [
        new("ImageMagick 6", "/etc/ImageMagick-6/policy.xml", ["/usr/bin/convert-im6.q16", "/usr/bin/magick-im6.q16"],
            "its coder and resource limits (Debian's refuses PostScript, EPS, PDF and XPS, which it would otherwise hand to Ghostscript)"),
        new("ImageMagick 7", "/etc/ImageMagick-7/policy.xml", ["/usr/bin/magick"], "its coder and resource limits"),
        new("OpenSSL", "/etc/ssl/openssl.cnf", ["/usr/lib/x86_64-linux-gnu/libssl.so.3", "/usr/lib/aarch64-linux-gnu/libssl.so.3"],
            "the host's minimum TLS version and security level"),
    ];
}
