using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Cordon.Backends.Process.Tests.Cgroups;

/// <summary>
/// Runs code on a dedicated thread whose filesystem uid/gid are those of an unprivileged user. setfsuid(2) is
/// per-thread, and moving fsuid away from 0 drops CAP_DAC_OVERRIDE and the other file capabilities from that
/// thread's effective set (capabilities(7)), so the kernel answers its mkdir/open/write exactly as it would
/// answer that user, while the rest of the test process stays root.
/// </summary>
[SupportedOSPlatform("linux")]
internal static class FilesystemIdentity
{
    public const int Nobody = 65534;

    public static T RunAs<T>(int uid, Func<T> action)
    {
        T? result = default;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            int previousGid = SetFsGid(uid);
            int previousUid = SetFsUid(uid);
            try
            {
                if (SetFsUid(-1) != uid) throw new InvalidOperationException("setfsuid did not take effect");
                result = action();
            }
            catch (Exception e)
            {
                failure = e;
            }
            finally
            {
                SetFsUid(previousUid);
                SetFsGid(previousGid);
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null) throw new InvalidOperationException("action failed under another fsuid", failure);
        return result!;
    }

    public static bool IsRoot => GetEuid() == 0;

    // Plain DllImport: this test project does not enable unsafe code, which LibraryImport needs.
    [DllImport("libc", EntryPoint = "setfsuid")]
    private static extern int SetFsUid(int uid);

    [DllImport("libc", EntryPoint = "setfsgid")]
    private static extern int SetFsGid(int gid);

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEuid();
}
