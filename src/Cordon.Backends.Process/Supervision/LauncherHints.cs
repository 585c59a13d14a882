namespace Cordon.Backends.Process.Supervision;

/// <summary>Human explanations of the launcher's failure steps and warnings.</summary>
internal static class LauncherHints
{
    public static string? For(string step) => step switch
    {
        "cgroup-join" => "the run's cgroup could not be joined; run cordon doctor",
        "setresuid" or "setresgid" or "setgroups" => "dropping root to the sandbox host user failed",
        "parent-gone" => "the supervisor exited before the sandbox started",
        "exec-bwrap" => "bubblewrap could not be started; apt-get install bubblewrap",
        var s when s.StartsWith("landlock", StringComparison.Ordinal) => "Landlock setup failed; without --require-landlock Cordon only warns when the kernel lacks it",
        var s when s.StartsWith("seccomp", StringComparison.Ordinal) || s == "notify-send" => "the kernel refused the seccomp filter; Linux 5.5+ with seccomp user notification is required",
        var s when s.StartsWith("rlimit", StringComparison.Ordinal) => "a resource limit is above the host's hard limit; lower it",
        _ => null,
    };

    public static string Warning(string word) => word switch
    {
        "landlock-unavailable" => "Landlock is not available on this kernel: the filesystem is confined by the mount namespace only (use --require-landlock to refuse)",
        var w when w.StartsWith("landlock-net-unavailable", StringComparison.Ordinal) => $"Landlock cannot restrict TCP on this kernel ({w}): network confinement relies on the network namespace and seccomp",
        _ => $"launcher: {word}",
    };
}
