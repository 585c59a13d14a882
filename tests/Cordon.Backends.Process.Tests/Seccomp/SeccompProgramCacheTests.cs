using System.Collections.Immutable;
using Cordon.Backends.Process.Seccomp;
using Cordon.Policy;

namespace Cordon.Backends.Process.Tests.Seccomp;

/// <summary>The host's filter cache holds exactly what libseccomp produces here, and is ignored the moment it is not trustworthy.</summary>
public sealed class SeccompProgramCacheTests : IDisposable
{
    private readonly string _dir = Path.Combine(Directory.CreateTempSubdirectory("cordon-bpf-cache-").FullName, "seccomp");

    public static TheoryData<SyscallProfile, NetworkMode> Profiles => new()
    {
        { SyscallProfile.Default, NetworkMode.None },
        { SyscallProfile.Default, NetworkMode.Loopback },
        { SyscallProfile.Strict, NetworkMode.None },
        { SyscallProfile.Custom, NetworkMode.None },
    };

    private static ImmutableArray<string> Names(SyscallProfile profile) => profile == SyscallProfile.Custom ? ["read", "write", "exit_group", "openat"] : [];

    [Theory]
    [MemberData(nameof(Profiles))]
    public void A_stored_program_loads_back_byte_identical_to_what_libseccomp_compiles_on_this_host(SyscallProfile profile, NetworkMode network)
    {
        SeccompRuleSet rules = SyscallProfiles.Build(profile, Names(profile), network);
        string key = SeccompProgramCache.Key(rules, RefusedCallAction.Notify) ?? throw new InvalidOperationException("libseccomp not found on this host");
        SeccompProgram compiled = SeccompFilterCompiler.CompileUncached(profile, Names(profile), network, RefusedCallAction.Notify);

        Assert.Null(SeccompProgramCache.TryLoad(_dir, key, "test"));
        SeccompProgramCache.TryStore(_dir, key, compiled);
        SeccompProgram? loaded = SeccompProgramCache.TryLoad(_dir, key, "test");

        Assert.NotNull(loaded);
        int firstDifference = Enumerable.Range(0, Math.Min(compiled.Bytes.Length, loaded.Bytes.Length)).FirstOrDefault(i => compiled.Bytes[i] != loaded.Bytes[i], -1);
        Assert.True(compiled.Bytes.SequenceEqual(loaded.Bytes), $"compiled {compiled.Bytes.Length} bytes, loaded {loaded.Bytes.Length}, first difference at {firstDifference}");
        // And a second compilation now agrees with the cache: the key names everything the program depends on.
        Assert.True(SeccompFilterCompiler.CompileUncached(profile, Names(profile), network, RefusedCallAction.Notify).Bytes.SequenceEqual(loaded.Bytes));
    }

    [Fact]
    public void Different_rules_networks_or_refused_actions_have_different_keys()
    {
        string?[] keys =
        [
            SeccompProgramCache.Key(SyscallProfiles.Build(SyscallProfile.Default, [], NetworkMode.None), RefusedCallAction.Notify),
            SeccompProgramCache.Key(SyscallProfiles.Build(SyscallProfile.Default, [], NetworkMode.Loopback), RefusedCallAction.Notify),
            SeccompProgramCache.Key(SyscallProfiles.Build(SyscallProfile.Default, [], NetworkMode.None), RefusedCallAction.FailWith(1)),
            SeccompProgramCache.Key(SyscallProfiles.Build(SyscallProfile.Custom, ["read"], NetworkMode.None), RefusedCallAction.Notify),
            SeccompProgramCache.Key(SyscallProfiles.Build(SyscallProfile.Custom, ["write"], NetworkMode.None), RefusedCallAction.Notify),
        ];
        Assert.Equal(keys.Length, keys.Distinct().Count());
    }

    [Fact]
    public void A_corrupt_foreign_writable_or_linked_entry_is_a_miss_never_a_filter()
    {
        SeccompRuleSet rules = SyscallProfiles.Build(SyscallProfile.Default, [], NetworkMode.None);
        string key = SeccompProgramCache.Key(rules, RefusedCallAction.Notify)!;
        SeccompProgram compiled = SeccompFilterCompiler.CompileUncached(SyscallProfile.Default, [], NetworkMode.None, RefusedCallAction.Notify);
        string entry = Path.Combine(_dir, key + ".bpf");

        void Fresh()
        {
            if (File.Exists(entry) || new FileInfo(entry).LinkTarget is not null) File.Delete(entry);
            SeccompProgramCache.TryStore(_dir, key, compiled);
            Assert.NotNull(SeccompProgramCache.TryLoad(_dir, key, "test"));
        }

        Fresh();
        byte[] bytes = File.ReadAllBytes(entry);
        bytes[^1] ^= 0x40; // one bit of the program: its hash no longer matches
        File.WriteAllBytes(entry, bytes);
        Assert.Null(SeccompProgramCache.TryLoad(_dir, key, "test"));

        Fresh();
        File.SetUnixFileMode(entry, File.GetUnixFileMode(entry) | UnixFileMode.GroupWrite);
        Assert.Null(SeccompProgramCache.TryLoad(_dir, key, "test"));

        Fresh();
        if (Environment.UserName == "root")
        {
            Run("chown", "65534", entry);
            Assert.Null(SeccompProgramCache.TryLoad(_dir, key, "test"));
            Fresh();
        }

        string elsewhere = Path.Combine(Path.GetDirectoryName(_dir)!, "elsewhere.bpf");
        File.Move(entry, elsewhere);
        File.CreateSymbolicLink(entry, elsewhere);
        Assert.Null(SeccompProgramCache.TryLoad(_dir, key, "test"));

        Fresh();
        File.SetUnixFileMode(_dir, File.GetUnixFileMode(_dir) | UnixFileMode.OtherWrite);
        Assert.Null(SeccompProgramCache.TryLoad(_dir, key, "test"));
    }

    private static void Run(string program, params string[] args)
    {
        using var process = System.Diagnostics.Process.Start(program, args)!;
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_dir)!, recursive: true);
}
