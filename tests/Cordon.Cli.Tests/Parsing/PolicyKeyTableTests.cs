using Cordon.Cli.Commands;
using Cordon.PolicyFiles;

namespace Cordon.Cli.Tests.Parsing;

/// <summary>The option table and the policy-file schema describe the same settings: every option names the key it sets, and every key has its option.</summary>
public class PolicyKeyTableTests
{
    /// <summary>Keys only a file has: documentation, inheritance, a deny list, and what an option implies (--net host acknowledges the host network, --disk SIZE:FILES sets both budgets).</summary>
    private static readonly HashSet<string> FileOnly = ["description", "extends", "syscalls.deny", "dangerous.host_network", "limits.disk_inodes"];

    [Fact]
    public void Every_option_names_a_real_key_and_every_key_has_an_option()
    {
        HashSet<string> keys = [.. PolicyFile.Keys];
        HashSet<string> named = [.. RunOptionTable.Default.All.Where(o => o.PolicyKey is not null).Select(o => o.PolicyKey!)];
        Assert.Empty(named.Except(keys));
        Assert.Empty(keys.Except(named).Except(FileOnly));
        Assert.Empty(FileOnly.Except(keys));
    }
}
