namespace Cordon.PolicyFiles.Audit;

/// <summary>Host paths whose contents hand hostile code credentials, other users' data or control of the host.</summary>
internal static class SensitivePaths
{
    /// <summary>
    /// Absolute host paths, with a score (0-10), what they hold, and whether binding something inside them is as bad as
    /// binding them (true for /root or /proc; false for /etc, where only the listed secret files are).
    /// </summary>
    private static readonly (string Path, double Score, string Holds, bool Inside)[] Absolute =
    [
        ("/var/run/docker.sock", 10, "the Docker socket (root on the host)", true),
        ("/run/docker.sock", 10, "the Docker socket (root on the host)", true),
        ("/run/containerd", 10, "containerd's socket (root on the host)", true),
        ("/run/podman", 9.5, "podman's socket", true),
        ("/var/lib/docker", 9, "every container's filesystem", true),
        ("/root", 9, "root's home: SSH keys, shell history, tokens", true),
        ("/home", 9, "every user's home: SSH keys, shell history, browser profiles, tokens", false),
        ("/etc/shadow", 9, "password hashes", true),
        ("/etc/gshadow", 9, "group password hashes", true),
        ("/etc/ssl/private", 9, "TLS private keys", true),
        ("/etc/ssh", 8, "SSH host keys", true),
        ("/etc/sudoers", 6, "who may become root", true),
        ("/etc", 7, "/etc/shadow, SSH host keys and service credentials", false),
        ("/proc", 8, "host processes' memory maps, environments and kernel tunables (/proc/sys)", true),
        ("/sys", 8, "kernel and device interfaces", true),
        ("/dev", 8, "host devices (disks, memory)", true),
        ("/boot", 8, "the kernel and boot loader", true),
        ("/run", 7, "sockets of host services (D-Bus, systemd, container runtimes)", true),
        ("/var", 6, "databases, logs, mail and container storage", false),
        ("/srv", 4, "served data", false),
    ];

    /// <summary>Path components that mark credentials wherever they appear.</summary>
    private static readonly (string Component, double Score, string Holds)[] Components =
    [
        (".ssh", 9.5, "SSH keys"),
        (".aws", 9.5, "AWS credentials"),
        (".azure", 9.5, "Azure credentials"),
        ("gcloud", 9.5, "Google Cloud credentials"),
        (".kube", 9.5, "Kubernetes credentials"),
        (".docker", 9, "registry credentials"),
        (".gnupg", 9, "GnuPG private keys"),
        (".netrc", 9, "login credentials"),
        (".git-credentials", 9, "Git credentials"),
        (".npmrc", 8, "npm tokens"),
        (".pypirc", 8, "PyPI tokens"),
        ("docker.sock", 10, "the Docker socket (root on the host)"),
    ];

    /// <summary>The most sensitive thing <paramref name="hostPath"/> exposes: itself, what lies beneath it, or what it lies in.</summary>
    public static (double Score, string Holds)? Assess(string hostPath)
    {
        string path = hostPath.Length > 1 ? hostPath.TrimEnd('/') : hostPath;
        if (path == "/") return (10, "the entire host filesystem");

        (double Score, string Holds)? worst = null;
        void Consider(double score, string holds)
        {
            if (worst is null || score > worst.Value.Score) worst = (score, holds);
        }

        foreach ((string sensitive, double score, string holds, bool inside) in Absolute)
        {
            // Binding an ancestor exposes the sensitive path; binding inside /root or /proc exposes part of it.
            if (sensitive.StartsWith(path + "/", StringComparison.Ordinal)) Consider(score, holds);
            else if (path == sensitive || (inside && path.StartsWith(sensitive + "/", StringComparison.Ordinal))) Consider(score, holds);
            else if (sensitive == "/home" && path.StartsWith("/home/", StringComparison.Ordinal) && !path["/home/".Length..].Contains('/'))
                Consider(score, "a user's whole home directory");
        }

        foreach (string component in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            foreach ((string marker, double score, string holds) in Components)
            {
                if (component == marker) Consider(score, holds);
            }
        }

        return worst;
    }
}
