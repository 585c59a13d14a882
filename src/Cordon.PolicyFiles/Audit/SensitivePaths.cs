namespace Cordon.PolicyFiles.Audit;

/// <summary>Host paths whose contents hand hostile code credentials, other users' data or control of the host.</summary>
internal static class SensitivePaths
{
    /// <summary>Absolute host paths, with a score (0-10) and what they hold.</summary>
    private static readonly (string Path, double Score, string Holds)[] Absolute =
    [
        ("/var/run/docker.sock", 10, "the Docker socket (root on the host)"),
        ("/run/docker.sock", 10, "the Docker socket (root on the host)"),
        ("/run/containerd", 10, "containerd's socket (root on the host)"),
        ("/run/podman", 9.5, "podman's socket"),
        ("/root", 9, "root's home: SSH keys, shell history, tokens"),
        ("/home", 9, "every user's home: SSH keys, shell history, browser profiles, tokens"),
        ("/etc", 7, "/etc/shadow, SSH host keys and service credentials"),
        ("/proc", 8, "host processes' memory maps, environments and kernel tunables (/proc/sys)"),
        ("/sys", 8, "kernel and device interfaces"),
        ("/dev", 8, "host devices (disks, memory)"),
        ("/boot", 8, "the kernel and boot loader"),
        ("/run", 7, "sockets of host services (D-Bus, systemd, container runtimes)"),
        ("/var", 6, "databases, logs, mail and container storage"),
        ("/srv", 4, "served data"),
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

        foreach ((string sensitive, double score, string holds) in Absolute)
        {
            // Binding an ancestor exposes the sensitive path; binding inside /etc, /proc, /root... exposes part of it.
            bool ancestor = sensitive.StartsWith(path + "/", StringComparison.Ordinal);
            bool inside = path == sensitive || path.StartsWith(sensitive + "/", StringComparison.Ordinal);
            if (ancestor) Consider(score, holds);
            else if (inside && sensitive is not ("/home" or "/srv" or "/var")) Consider(score, holds);
            else if (inside && path.Split('/').Length <= sensitive.Split('/').Length + 1 && sensitive == "/home") Consider(score, "a user's whole home directory");
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
