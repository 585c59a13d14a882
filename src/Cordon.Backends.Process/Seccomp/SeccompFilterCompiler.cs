using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Cordon.Errors;
using Cordon.Policy;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Process.Seccomp;

/// <summary>Compiles a <see cref="SyscallPolicy"/> to a seccomp BPF program with libseccomp. Never installs anything.</summary>
/// <remarks>
/// <para>
/// The program checks the architecture first: anything but x86-64 (the i386 <c>int $0x80</c> ABI) and x32 numbers (bit 30
/// set, which libseccomp's x86-64 filter rejects by itself) kill the whole process (SCMP_ACT_KILL_PROCESS). Then allowed
/// calls pass, <c>clone3</c> fails with ENOSYS, and every other call is refused: SCMP_ACT_NOTIFY, so the supervisor can
/// answer and record it (<see cref="SeccompNotifier"/>).
/// </para>
/// <para>
/// The program is only exported (<c>seccomp_export_bpf</c>), never loaded here: the .NET host is never filtered: a filter in the supervisor would constrain every run it supervises.
/// SCMP_FLTATR_CTL_NNP is 0 because libseccomp only uses it when loading; the launcher sets no_new_privs itself before it
/// installs the program. Programs are cached per (profile, custom names, network, refused action); compiling is serialized.
/// </para>
/// </remarks>
internal static class SeccompFilterCompiler
{
    /// <summary>Bound on cached programs, so a stream of distinct custom profiles cannot grow the cache without end.</summary>
    private const int CacheCapacity = 128;

    private static readonly ConcurrentDictionary<CacheKey, Lazy<SeccompProgram>> Cache = new();

    /// <summary>libseccomp keeps some process-wide state (API-level detection); one compilation at a time.</summary>
    private static readonly Lock NativeLock = new();

    /// <summary>The production filter for <paramref name="policy"/>: refused calls notify the supervisor.</summary>
    /// <exception cref="PolicyValidationException">A custom profile names a syscall that is unknown or never allowed.</exception>
    /// <exception cref="SandboxSetupException">libseccomp is missing or failed.</exception>
    internal static SeccompProgram Compile(SyscallPolicy policy, NetworkMode network) => Compile(policy, network, RefusedCallAction.Notify);

    /// <summary>
    /// The production filter for a run with <paramref name="network"/>: with an allowlist the supervisor enforces,
    /// <c>connect</c> goes to the supervisor too (<see cref="SyscallProfiles.ConnectsThroughSupervisor"/>).
    /// </summary>
    internal static SeccompProgram Compile(SyscallPolicy policy, NetworkPolicy network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return Compile(policy, network.Mode, RefusedCallAction.Notify, SyscallProfiles.ConnectsThroughSupervisor(policy, network),
            SyscallProfiles.DatagramsThroughSupervisor(policy, network));
    }

    /// <summary>As <see cref="Compile(SyscallPolicy, NetworkMode)"/>, with a chosen action for refused calls (a test hook).</summary>
    internal static SeccompProgram Compile(SyscallPolicy policy, NetworkMode network, RefusedCallAction refused, bool connectThroughSupervisor = false,
        bool datagramsThroughSupervisor = false)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ImmutableArray<string> names = policy.Profile == SyscallProfile.Custom ? policy.AllowedSyscalls : [];
        var key = new CacheKey(policy.Profile, string.Join(',', names), network, refused, connectThroughSupervisor, datagramsThroughSupervisor);
        if (!Cache.TryGetValue(key, out Lazy<SeccompProgram>? lazy))
        {
            var created = new Lazy<SeccompProgram>(() => CompileThroughHostCache(policy.Profile, names, network, refused, connectThroughSupervisor, datagramsThroughSupervisor),
                LazyThreadSafetyMode.ExecutionAndPublication);
            if (Cache.Count >= CacheCapacity)
            {
                return created.Value;
            }

            lazy = Cache.GetOrAdd(key, created);
        }

        try
        {
            return lazy.Value;
        }
        catch
        {
            // A failure (say EMFILE) must not be remembered as this policy's answer.
            Cache.TryRemove(new KeyValuePair<CacheKey, Lazy<SeccompProgram>>(key, lazy));
            throw;
        }
    }

    /// <summary>From <see cref="SeccompProgramCache"/> when this host has compiled the same rules before; else compiled and stored.</summary>
    private static SeccompProgram CompileThroughHostCache(SyscallProfile profile, ImmutableArray<string> customNames, NetworkMode network, RefusedCallAction refused,
        bool connectThroughSupervisor, bool datagramsThroughSupervisor)
    {
        SeccompRuleSet rules = SyscallProfiles.Build(profile, customNames, network, connectThroughSupervisor, datagramsThroughSupervisor);
        string description = $"{profile.ToString().ToLowerInvariant()}/{network}{(connectThroughSupervisor ? "+allowlist" : "")}{(datagramsThroughSupervisor ? "+udp" : "")}/{refused}";
        string? key = SeccompProgramCache.Key(rules, refused);
        if (key is not null && SeccompProgramCache.TryLoad(SeccompProgramCache.Directory, key, description) is { } cached) return cached;
        SeccompProgram compiled = CompileRules(rules, refused, description);
        if (key is not null) SeccompProgramCache.TryStore(SeccompProgramCache.Directory, key, compiled);
        return compiled;
    }

    /// <summary>Compiles without the cache; for tests that need names the policy builder would refuse.</summary>
    internal static SeccompProgram CompileUncached(SyscallProfile profile, ImmutableArray<string> customNames, NetworkMode network,
        RefusedCallAction refused)
    {
        SeccompRuleSet rules = SyscallProfiles.Build(profile, customNames, network);
        return CompileRules(rules, refused, $"{profile.ToString().ToLowerInvariant()}/{network}/{refused}");
    }

    private static SeccompProgram CompileRules(SeccompRuleSet rules, RefusedCallAction refused, string description)
    {
        try
        {
            lock (NativeLock)
            {
                return CompileNative(rules, refused, description);
            }
        }
        catch (DllNotFoundException e)
        {
            throw new SandboxSetupException("seccomp-compile", $"{Interop.Libraries.Libseccomp} cannot be loaded: {e.Message}",
                "install libseccomp 2.5 or newer (Debian: apt-get install libseccomp2)", e);
        }
    }

    private static unsafe SeccompProgram CompileNative(SeccompRuleSet rules, RefusedCallAction refused, string description)
    {
        using SafeSeccompFilterHandle context = Interop.Libseccomp.SeccompInit(refused.ToLibseccompAction());
        if (context.IsInvalid)
        {
            throw new SandboxSetupException("seccomp-compile", "seccomp_init failed",
                "libseccomp 2.5+ and a kernel with seccomp user notification (Linux 5.0+, CONFIG_SECCOMP_FILTER) are required");
        }

        SetAttribute(context, Interop.Libseccomp.FilterAttribute.ActBadArch, Interop.Libseccomp.ActKillProcess);
        SetAttribute(context, Interop.Libseccomp.FilterAttribute.CtlNoNewPrivs, 0);
        // Level 2 sorts the syscall checks into a binary tree: about 8 comparisons per call instead of ~250.
        SetAttribute(context, Interop.Libseccomp.FilterAttribute.CtlOptimize, 2);

        foreach (SyscallRule rule in rules.Rules)
        {
            if (rule.Action == SyscallRuleAction.Errno && !refused.IsNotify && rule.Errno == refused.Errno)
            {
                continue; // same outcome as the default action, which libseccomp refuses to repeat as a rule
            }

            int number = ResolveNumber(rule.Name);
            uint action = rule.Action == SyscallRuleAction.Allow ? Interop.Libseccomp.ActAllow : Interop.Libseccomp.ActErrno(rule.Errno);
            if (rule.IsUnconditional)
            {
                AddRule(context, action, number, rule.Name, []);
                continue;
            }

            foreach (ImmutableArray<ArgumentCondition> alternative in rule.WhenAny)
            {
                AddRule(context, action, number, rule.Name, alternative);
            }
        }

        return Export(context, description);
    }

    /// <summary>
    /// The x86-64 number of <paramref name="name"/>. libseccomp's table and Cordon's must agree where both know the name;
    /// a name only Cordon's (newer) table knows is added by number, which is what libseccomp does with any native number.
    /// </summary>
    private static int ResolveNumber(string name)
    {
        int? known = X64SyscallTable.NumberOf(name);
        int resolved = Interop.Libseccomp.SeccompSyscallResolveName(name);
        if (resolved >= 0)
        {
            if (known is int number && number != resolved)
            {
                throw new SandboxSetupException("seccomp-compile",
                    $"syscall '{name}' is number {resolved} for libseccomp but {number} in Cordon's x86-64 table",
                    "the two syscall tables disagree; report this as a Cordon bug");
            }

            return resolved;
        }

        return known ?? throw PolicyValidationException.Create([new PolicyError("syscalls.allow",
            $"unknown syscall name '{name}': neither libseccomp nor Cordon's x86-64 table knows it (names are x86-64 syscall names, e.g. 'read', 'openat')")]);
    }

    private static void SetAttribute(SafeSeccompFilterHandle context, Interop.Libseccomp.FilterAttribute attribute, uint value)
    {
        int rc = Interop.Libseccomp.SeccompAttrSet(context, attribute, value);
        if (rc < 0)
        {
            throw new SandboxSetupException("seccomp-compile", $"seccomp_attr_set({attribute}, {value}): {Marshal.GetPInvokeErrorMessage(-rc)}",
                "libseccomp 2.5 or newer is required");
        }
    }

    private static unsafe void AddRule(SafeSeccompFilterHandle context, uint action, int number, string name,
        ImmutableArray<ArgumentCondition> conditions)
    {
        Interop.Libseccomp.ArgumentComparison* comparisons = stackalloc Interop.Libseccomp.ArgumentComparison[Math.Max(conditions.Length, 1)];
        for (int i = 0; i < conditions.Length; i++)
        {
            comparisons[i] = new Interop.Libseccomp.ArgumentComparison
            {
                Argument = conditions[i].Argument,
                Operation = conditions[i].Operation,
                DatumA = conditions[i].DatumA,
                DatumB = conditions[i].DatumB,
            };
        }

        int rc = Interop.Libseccomp.SeccompRuleAddArray(context, action, number, (uint)conditions.Length, comparisons);
        if (rc < 0)
        {
            throw new SandboxSetupException("seccomp-compile",
                $"seccomp_rule_add({name}, {string.Join(" && ", conditions)}): {Marshal.GetPInvokeErrorMessage(-rc)}");
        }
    }

    /// <summary>libseccomp 2.5 can only export to a descriptor: export to a memfd and read the bytes back.</summary>
    private static SeccompProgram Export(SafeSeccompFilterHandle context, string description)
    {
        using SafeFileHandle memfd = Interop.Libc.MemfdCreate("cordon-seccomp-export", Interop.Libc.MfdCloexec);
        if (memfd.IsInvalid)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new SandboxSetupException("seccomp-compile", $"memfd_create: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
        }

        int rc = Interop.Libseccomp.SeccompExportBpf(context, memfd);
        if (rc < 0)
        {
            throw new SandboxSetupException("seccomp-compile", $"seccomp_export_bpf: {Marshal.GetPInvokeErrorMessage(-rc)}");
        }

        long length = RandomAccess.GetLength(memfd);
        if (length == 0 || length % SeccompProgram.InstructionBytes != 0 || length > SeccompProgram.MaxInstructions * SeccompProgram.InstructionBytes)
        {
            throw new SandboxSetupException("seccomp-compile",
                $"the {description} filter is {length} bytes ({length / SeccompProgram.InstructionBytes} instructions); the kernel accepts 1..{SeccompProgram.MaxInstructions} instructions");
        }

        byte[] bytes = new byte[length];
        int filled = 0;
        while (filled < bytes.Length)
        {
            int read = RandomAccess.Read(memfd, bytes.AsSpan(filled), filled);
            if (read == 0)
            {
                throw new SandboxSetupException("seccomp-compile", "the exported seccomp program was shorter than its file size");
            }

            filled += read;
        }

        return new SeccompProgram(ImmutableCollectionsMarshal.AsImmutableArray(bytes), description);
    }

    private readonly record struct CacheKey(SyscallProfile Profile, string CustomNames, NetworkMode Network, RefusedCallAction Refused, bool ConnectThroughSupervisor,
        bool DatagramsThroughSupervisor);
}
