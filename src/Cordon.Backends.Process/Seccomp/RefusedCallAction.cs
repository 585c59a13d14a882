namespace Cordon.Backends.Process.Seccomp;

/// <summary>What a compiled filter does with a call no rule allows.</summary>
/// <remarks>
/// Production filters always use <see cref="Notify"/>: the supervisor answers and records the call. <see cref="FailWith"/>
/// exists for tests that run a filter without the launcher (e.g. through <c>bwrap --seccomp</c>), where nobody would answer.
/// </remarks>
internal readonly record struct RefusedCallAction
{
    private RefusedCallAction(int errno) => Errno = errno;

    /// <summary>SCMP_ACT_NOTIFY: the call waits for the supervisor's answer.</summary>
    internal static RefusedCallAction Notify => default;

    /// <summary>The errno of <see cref="FailWith"/>; 0 for <see cref="Notify"/>.</summary>
    internal int Errno { get; }

    /// <summary>Whether refused calls go to the supervisor.</summary>
    internal bool IsNotify => Errno == 0;

    /// <summary>SCMP_ACT_ERRNO(<paramref name="errno"/>): refused calls fail at once and nobody records them.</summary>
    internal static RefusedCallAction FailWith(int errno)
        => errno is > 0 and <= 4095 ? new(errno) : throw new ArgumentOutOfRangeException(nameof(errno), errno, "an errno is 1..4095");

    /// <summary>The libseccomp action value.</summary>
    internal uint ToLibseccompAction() => IsNotify ? Interop.Libseccomp.ActNotify : Interop.Libseccomp.ActErrno(Errno);

    /// <inheritdoc />
    public override string ToString() => IsNotify ? "notify" : $"errno-{Errno}";
}
