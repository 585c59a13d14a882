using System.Runtime.InteropServices;

namespace Cordon.Backends.Process.Cgroups;

/// <summary>The errno values cgroup code branches on, and their symbolic names for messages.</summary>
/// <remarks>Linux generic values (identical on x86-64 and arm64).</remarks>
internal static class CgroupErrno
{
    internal const int EPERM = 1;
    internal const int ENOENT = 2;
    internal const int ESRCH = 3;
    internal const int EINTR = 4;
    internal const int EAGAIN = 11;
    internal const int ENOMEM = 12;
    internal const int EACCES = 13;
    internal const int EBUSY = 16;
    internal const int EEXIST = 17;
    internal const int ENODEV = 19;
    internal const int ENOTDIR = 20;
    internal const int EINVAL = 22;
    internal const int ENOSPC = 28;
    internal const int EROFS = 30;
    internal const int ENOTEMPTY = 39;
    internal const int EOPNOTSUPP = 95;

    /// <summary>"EACCES", or "errno 123 (text)" for values without a name here.</summary>
    internal static string Name(int errno) => errno switch
    {
        EPERM => "EPERM",
        ENOENT => "ENOENT",
        ESRCH => "ESRCH",
        EINTR => "EINTR",
        EAGAIN => "EAGAIN",
        ENOMEM => "ENOMEM",
        EACCES => "EACCES",
        EBUSY => "EBUSY",
        EEXIST => "EEXIST",
        ENODEV => "ENODEV",
        ENOTDIR => "ENOTDIR",
        EINVAL => "EINVAL",
        ENOSPC => "ENOSPC",
        EROFS => "EROFS",
        ENOTEMPTY => "ENOTEMPTY",
        EOPNOTSUPP => "EOPNOTSUPP",
        _ => $"errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)})",
    };

    /// <summary>Whether <paramref name="errno"/> means "not allowed" rather than "broken".</summary>
    internal static bool IsPermissionDenied(int errno) => errno is EACCES or EPERM or EROFS;
}
