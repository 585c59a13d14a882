using System.Runtime.InteropServices;
using Cordon.Backends.Process.Planning;
using Cordon.Execution;

namespace Cordon.Backends.Process.Supervision;

/// <summary>
/// The handles behind a plan's per-run descriptor rows: each granted path opened once without following links, a
/// disk-budget layer per writable grant when the plan has a budget, generated and copied files, the caller's descriptors.
/// </summary>
internal sealed class PlanHandles
{
    private readonly LaunchPlan _plan;
    private readonly SandboxCommand _command;
    private readonly RunResources _resources;

    /// <summary>Opens the grants and creates the budget layers, so a bad path fails before anything is spawned.</summary>
    public PlanHandles(LaunchPlan plan, SandboxCommand command, RunResources resources, Identity.RunIdentity? identity)
    {
        (_plan, _command, _resources) = (plan, command, resources);
        foreach (Bubblewrap.GrantedBind grant in plan.Grants) GrantSources.Add(resources.OpenBindSource(grant));
        if (plan.DiskBudget is not { } budget) return;
        if (identity is null) throw new InvalidOperationException("internal: a disk budget needs the run's own identity");
        for (int i = 0; i < plan.Grants.Length; i++)
        {
            if (!plan.Grants[i].Writable) continue;
            Budgets.Add(resources.Add(Budget.DiskBudgetLayer.Create(budget.Bytes, budget.Inodes, identity.Uid, identity.Gid,
                GrantSources[i].Mode, plan.Grants[i].GuestPath)));
        }
    }

    /// <summary>The opened grants, in <see cref="LaunchPlan.Grants"/> order.</summary>
    public List<HostFiles.OpenedHostPath> GrantSources { get; } = [];

    /// <summary>The budget layers, one per writable grant in order; empty without a budget.</summary>
    public List<Budget.DiskBudgetLayer> Budgets { get; } = [];

    /// <summary>The handle for one per-run row of the plan's descriptor table.</summary>
    public SafeHandle For(PlannedDescriptor row) => row.Role switch
    {
        DescriptorRole.GeneratedFile => _resources.PipeWithContents(_plan.GeneratedFiles[row.Index].Contents),
        DescriptorRole.CopiedFile => _resources.OpenCopiedFile(_plan.CopiedFiles[row.Index]),
        DescriptorRole.GrantSource => GrantSources[row.Index].Handle,
        DescriptorRole.DiskBudgetLayer => Budgets[row.Index].Mount,
        DescriptorRole.InheritedFile => _command.InheritedFiles[row.Index].Handle,
        _ => throw new InvalidOperationException($"internal: descriptor {row.Number} ({row.Role}) is not a per-run object"),
    };
}
