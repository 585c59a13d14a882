namespace Cordon.Backends.Process.Planning;

/// <summary>What one descriptor of the launch chain holds; <see cref="PlannedDescriptor.Index"/> says which one of its kind.</summary>
public enum DescriptorRole
{
    /// <summary>The guest's stdin: a pipe from the supervisor, /dev/null, or the caller's terminal.</summary>
    StandardInput,

    /// <summary>The guest's stdout: a pipe to the supervisor (stderr too when merged), or the terminal.</summary>
    StandardOutput,

    /// <summary>The guest's stderr: its own pipe, the stdout pipe when merged, or the terminal.</summary>
    StandardError,

    /// <summary>The launcher's status pipe (enter and init report their steps, the guest's start and its end).</summary>
    LauncherStatus,

    /// <summary>The socket over which init hands the seccomp listener to the supervisor.</summary>
    SeccompListener,

    /// <summary>The pipe init reads the compiled seccomp filter from (written after the spawn).</summary>
    SeccompFilter,

    /// <summary>bwrap's options, NUL-separated in a sealed memfd (<c>--args</c>).</summary>
    BwrapOptions,

    /// <summary>Where bwrap writes the sandbox's pid 1 as the host sees it (<c>--info-fd</c>).</summary>
    BwrapInfo,

    /// <summary>A generated /etc file (<see cref="LaunchPlan.GeneratedFiles"/>).</summary>
    GeneratedFile,

    /// <summary>The host file of a copied-file mount (<see cref="LaunchPlan.CopiedFiles"/>), opened by the supervisor.</summary>
    CopiedFile,

    /// <summary>A granted bind's source, opened without following links (<see cref="LaunchPlan.Grants"/>).</summary>
    GrantSource,

    /// <summary>The disk budget's layer of one writable grant (as root, with a disk budget).</summary>
    DiskBudgetLayer,

    /// <summary>A descriptor the caller hands to the guest (<see cref="Cordon.Execution.SandboxCommand.InheritedFiles"/>).</summary>
    InheritedFile,
}
