using System.Security.Cryptography;
using System.Text;
using Cordon.Backends.Process.Planning;
using Cordon.Backends.Process.Supervision;
using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Backends.Process.Pool;

/// <summary>
/// The shape key of a policy: what a pre-built sandbox is built from, so that a run may take a member only when the
/// member is exactly what a cold run of its policy would build.
/// </summary>
/// <remarks>
/// <para>The key is the launch plan the policy gives for a fixed placeholder command, with the host facts a real run
/// would see (the run uid and cgroup directories as placeholders): the launcher's and bwrap's options (namespaces,
/// mounts, the Landlock rules, rlimits, the guest's uid, the hostname), every descriptor row (the granted host paths,
/// the generated /etc files, disk-budget layers), the cgroup limits (memory, tasks, CPU), the plan's warnings, the
/// seccomp program itself (a digest of its bytes) and the filter's summary (which names what a refused call does).</para>
/// <para>The work directory's host path is a per-run grant: the key is built with a fixed placeholder in its place
/// (whether there is one, that it is writable at <c>/work</c>, and its disk-budget layer stay in the key), because a
/// member gets a directory of its own, which a <see cref="WarmLease"/> hands to the run.</para>
/// <para>Left out, because a warm run takes them from its own policy and command: the environment (bwrap's
/// <c>--setenv</c>; the command message carries the guest's whole environment), the working directory (bwrap's
/// <c>--chdir</c>), the argv, stdin, stdout/stderr and inherited descriptors, and what only the supervisor enforces
/// (wall-clock limit, output cap and action, the network allowlist's destinations).</para>
/// </remarks>
internal static class PolicyShape
{
    /// <summary>The command every member's plan is built for: nothing of it reaches the sandbox.</summary>
    internal static readonly SandboxCommand Placeholder = new("/.cordon/warm");

    /// <summary>
    /// The work directory's host path in every key, so that the shape is the same whatever directory a run is given:
    /// the root, which exists on every host (a policy must name an existing directory) and is never bound from a key.
    /// </summary>
    internal const string WorkDirectoryPlaceholder = "/";

    /// <summary>Why <paramref name="policy"/> cannot be pre-built at all, or null.</summary>
    public static string? WhyNotWarm(SandboxPolicy policy)
        => policy.Mounts.Any(m => m.Kind == MountKind.CopiedFile)
            ? "a copied file (--file) is copied when the sandbox is built, which for a warm member is before the run; run it cold"
            : null;

    public static string KeyOf(ProcessSandbox sandbox, SandboxPolicy policy)
    {
        if (policy.WorkDirectoryHostPath is not null and not WorkDirectoryPlaceholder)
            policy = new SandboxPolicyBuilder(policy).WithWorkDirectory(WorkDirectoryPlaceholder).Build();
        Cgroups.CgroupAvailability cgroups = Cgroups.CgroupProvider.Shared.Availability;
        bool isRoot = Interop.Libc.GetEuid() == 0;
        LaunchHostFacts facts = sandbox.HostFacts(policy, isRoot ? (uint.MaxValue, uint.MaxValue) : null,
            cgroups.IsUsable
                ? new CgroupFacts(cgroups.Version.ToString().ToLowerInvariant(), [.. cgroups.Hierarchies.Select(h => h.Name)],
                    [.. cgroups.Hierarchies.Select(h => h.RunsParent + "/run")])
                : null,
            cgroups.Reason);
        LaunchPlan plan = LaunchPlanner.Build(policy, Placeholder, facts);
        var key = new StringBuilder();
        List<string> argv = [.. plan.ExpandedArgv];
        for (int i = 0; i < argv.Count; i++)
        {
            if (argv[i] == "--setenv" && i + 2 < argv.Count) { i += 2; continue; }
            if (argv[i] == "--chdir" && i + 1 < argv.Count) { i += 1; continue; }
            key.Append(argv[i]).Append('\0');
        }

        key.Append("\ndescriptors\0");
        foreach (PlannedDescriptor row in plan.Descriptors) key.Append(row.Number).Append(' ').Append(row.Description).Append('\0');
        key.Append("\ncgroup\0");
        foreach (string line in plan.CgroupLimits) key.Append(line).Append('\0');
        key.Append("\nwarnings\0");
        foreach (string line in plan.Warnings) key.Append(line).Append('\0');
        foreach ((string path, byte[] contents) in plan.GeneratedFiles) key.Append(path).Append(' ').Append(Convert.ToHexString(SHA256.HashData(contents))).Append('\0');
        key.Append("\nfilter\0").Append(plan.FilterSummary).Append('\0').Append(Convert.ToHexString(SHA256.HashData(SeccompSetup.Compile(policy))));
        key.Append("\nrequire\0").Append(policy.RequireCgroups).Append(policy.RequireLandlock).Append(plan.DiskBudget?.ToString() ?? "");
        return key.ToString();
    }
}
