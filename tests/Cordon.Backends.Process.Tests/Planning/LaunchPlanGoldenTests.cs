using System.Runtime.CompilerServices;
using System.Text;
using Cordon.Backends.Process.ImageRoot;
using Cordon.Backends.Process.Planning;
using Cordon.Backends.Process.Tests.Bubblewrap;
using Cordon.Execution;
using Cordon.Policy;

namespace Cordon.Backends.Process.Tests.Planning;

/// <summary>
/// Launch plans as data: each case's whole plan (argv, bwrap's options, descriptor table, mounts, launcher steps,
/// filter, cgroup limits, warnings) is compared with Golden/NAME.txt. Set CORDON_UPDATE_GOLDEN=1 to rewrite the files,
/// then review the diff.
/// </summary>
public class LaunchPlanGoldenTests
{
    /// <summary>Host paths every machine has, so the grants build anywhere.</summary>
    private const string ReadOnlyGrant = "/usr/share";
    private const string WritableGrant = "/var/tmp";

    private static readonly LaunchHostFacts Root = LaunchCommandLineTests.Facts() with { IdmapStageDirectory = "/run/cordon/stage" };

    private static readonly LaunchHostFacts Unprivileged = LaunchCommandLineTests.Facts() with
    {
        RunUser = null,
        Cgroup = new CgroupFacts("v2", ["unified"], ["/sys/fs/cgroup/user.slice/cordon/run-1"]),
    };

    private static readonly LaunchHostFacts NoCgroup = Unprivileged with { Cgroup = null, NoCgroupReason = "no usable cgroup: not delegated; not mounted" };

    public static TheoryData<string> Cases => [.. PlanCases.Keys];

    private static readonly Dictionary<string, Func<LaunchPlan>> PlanCases = new()
    {
        ["default-root"] = () => Plan(SandboxPolicy.Default, Root),
        ["default-unprivileged"] = () => Plan(SandboxPolicy.Default, Unprivileged),
        ["grants-root"] = () => Plan(Grants().Build(), Root),
        ["grants-unprivileged"] = () => Plan(Grants().Build(), Unprivileged),
        ["workdir-budget-root"] = () => Plan(new SandboxPolicyBuilder().WithWorkDirectory(WritableGrant).WithDiskBudget(64 << 20).WithDiskInodes(1000).Build(), Root),
        ["workdir-budget-unprivileged"] = () => Plan(new SandboxPolicyBuilder().WithWorkDirectory(WritableGrant).WithDiskBudget(64 << 20).WithDiskInodes(1000).Build(), Unprivileged),
        ["net-loopback"] = () => Plan(new SandboxPolicyBuilder().WithNetwork(NetworkMode.Loopback).Build(), Unprivileged),
        ["no-system-dirs-guest-root"] = () => Plan(new SandboxPolicyBuilder().WithSystemDirectories(false).WithGuestRoot().Build(), Unprivileged),
        ["budgets-no-cgroup"] = () => Plan(new SandboxPolicyBuilder().WithMemory(96 << 20).WithMaxProcesses(16).WithCpuTime(TimeSpan.FromSeconds(2.5))
            .WithOpenFiles(64).WithFileSize(1 << 20).WithStack(4 << 20).Build(), NoCgroup),
        ["budgets-cgroup"] = () => Plan(new SandboxPolicyBuilder().WithMemory(96 << 20).WithMaxProcesses(16).WithCpuTime(TimeSpan.FromSeconds(2.5)).Build(), Unprivileged),
        ["image-root"] = () => Plan(Image().Build(), Root with { ImageEntries = ImageEntries }),
        ["image-unprivileged"] = () => Plan(Image().MountReadOnly(ReadOnlyGrant, "/in").WithWorkDirectory(WritableGrant).Build(), Unprivileged with { ImageEntries = ImageEntries }),
        ["streams-custom-syscalls"] = () => LaunchPlanner.Build(
            new SandboxPolicyBuilder().WithCustomSyscalls(["read", "write", "exit_group"]).WithViolationAction(ViolationAction.Kill).SetEnvironment("MODE", "fast").Build(),
            new SandboxCommand("/bin/cat", ["-"]) { StandardInput = new byte[] { 1 }, MergeStandardError = true, WorkingDirectory = "/tmp" }, Unprivileged),
    };

    /// <summary>An image root's top level as the supervisor would list it: directories, a file, a usrmerge symlink.</summary>
    private static readonly System.Collections.Immutable.ImmutableArray<ImageRootEntry> ImageEntries =
    [
        new("bin", ImageRootEntryKind.Directory), new("etc", ImageRootEntryKind.Directory), new("lib64", ImageRootEntryKind.Symlink, "usr/lib64"),
        new("usr", ImageRootEntryKind.Directory), new("VERSION", ImageRootEntryKind.File),
    ];

    private static SandboxPolicyBuilder Image() => new SandboxPolicyBuilder().WithRoot(FilesystemRoot.Image("/srv/cache/roots/abc/rootfs"));

    private static SandboxPolicyBuilder Grants()
        => new SandboxPolicyBuilder().MountReadOnly(ReadOnlyGrant, "/in").MountReadWrite(WritableGrant, "/out").MountTmpfs("/scratch", 1 << 20);

    private static LaunchPlan Plan(SandboxPolicy policy, LaunchHostFacts facts)
        => LaunchPlanner.Build(policy, new SandboxCommand("python3", ["job.py", "--fast"]), facts);

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_plan_matches_its_golden_file(string name)
    {
        string actual = Render(PlanCases[name]());
        string path = Path.Combine(GoldenDirectory(), name + ".txt");
        if (Environment.GetEnvironmentVariable("CORDON_UPDATE_GOLDEN") == "1") File.WriteAllText(path, actual);
        Assert.True(File.Exists(path), $"{path} is missing; run with CORDON_UPDATE_GOLDEN=1 to create it");
        Assert.Equal(File.ReadAllText(path), actual);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_descriptor_the_command_line_names_is_in_the_table_once(string name)
    {
        LaunchPlan plan = PlanCases[name]();
        int[] numbers = [.. plan.Descriptors.Select(d => d.Number)];
        Assert.Equal(numbers.Length, numbers.Distinct().Count());
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], numbers.Take(8));
        Assert.Equal(Enumerable.Range(8, numbers.Length - 8), numbers.Skip(8));
        foreach (string option in new[] { "--ro-bind-fd", "--bind-fd", "--ro-bind-data", "--file", "--info-fd" })
        {
            for (int i = 0; i < plan.BwrapOptions.Length - 1; i++)
            {
                if (plan.BwrapOptions[i] == option) Assert.Contains(int.Parse(plan.BwrapOptions[i + 1], System.Globalization.CultureInfo.InvariantCulture), numbers);
            }
        }

        for (int i = 0; i < plan.Argv.Length - 1; i++)
        {
            if (plan.Argv[i] is "--status-fd" or "--notify-fd" or "--bpf-fd" or "--args")
                Assert.Contains(int.Parse(plan.Argv[i + 1], System.Globalization.CultureInfo.InvariantCulture), numbers);
            if (plan.Argv[i] == "--idmap-fd")
                Assert.All(plan.Argv[i + 1].Split(':'), fd => Assert.Contains(int.Parse(fd, System.Globalization.CultureInfo.InvariantCulture), numbers));
        }
    }

    [Fact]
    public void The_same_inputs_give_the_same_plan()
    {
        Assert.Equal(Render(PlanCases["grants-root"]()), Render(PlanCases["grants-root"]()));
    }

    [Fact]
    public void A_dry_run_prints_the_plan_a_run_would_execute()
    {
        // Plan() differs from what a run builds only by its placeholder facts and the compiled filter's size.
        var sandbox = new ProcessSandbox();
        var command = new SandboxCommand("true");
        LaunchPlan dry = sandbox.Plan(SandboxPolicy.Default, command);
        Assert.StartsWith("profile default: ", dry.FilterSummary, StringComparison.Ordinal);
        Assert.EndsWith(" BPF instructions", dry.FilterSummary, StringComparison.Ordinal);
        Assert.Equal(["--", dry.Argv.First(a => a.EndsWith("bwrap", StringComparison.Ordinal)), "--args", "6", "--"],
            dry.Argv.SkipWhile(a => a != "--").TakeWhile((_, i) => i < 5));
        Assert.Contains(dry.Descriptors, d => d.Role == DescriptorRole.BwrapInfo && d.Number == 7);
    }

    private static string Render(LaunchPlan plan)
    {
        var text = new StringBuilder();
        Section(text, "argv", plan.Argv);
        Section(text, "bwrap options (--args)", plan.BwrapOptions);
        Section(text, "descriptors", plan.Descriptors.Select(d => $"{d} [{d.Role} {d.Index}]"));
        Section(text, "mounts", plan.Mounts.Select(m => m.ToString()));
        Section(text, "launcher steps", plan.LauncherSteps);
        Section(text, "seccomp filter", [plan.FilterSummary]);
        Section(text, "cgroup", plan.CgroupLimits.AddRange(plan.Cgroup?.JoinDirectories.Select(d => "join " + d) ?? []));
        Section(text, "warnings", plan.Warnings);
        return text.ToString();
    }

    private static void Section(StringBuilder text, string title, IEnumerable<string> lines)
    {
        text.Append("## ").Append(title).Append('\n');
        foreach (string line in lines) text.Append(line.Replace("\0", "\\0", StringComparison.Ordinal)).Append('\n');
        text.Append('\n');
    }

    private static string GoldenDirectory([CallerFilePath] string source = "") => Path.Combine(Path.GetDirectoryName(source)!, "Golden");
}
