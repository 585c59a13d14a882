using System.Runtime.InteropServices;
using System.Text;
using Cordon.Errors;

namespace Cordon.Backends.Process.Supervision;

/// <summary>Starts the launch chain with posix_spawn: exactly the listed descriptors, a new session, default signal state, an empty environment.</summary>
internal static class ChainSpawner
{
    /// <summary>Spawns <paramref name="argv"/>[0]; returns its pid. Every other descriptor of this process stays out of the child.</summary>
    public static unsafe int Spawn(IReadOnlyList<string> argv, IReadOnlyList<(SafeHandle Source, int Target)> descriptors)
    {
        int highestTarget = descriptors.Count == 0 ? 2 : descriptors.Max(d => d.Target);

        // dup2 chains break when a source number equals a later target; move every source above all targets first.
        List<Microsoft.Win32.SafeHandles.SafeFileHandle> lifted = [.. descriptors.Select(d => Interop.FileDescriptors.DuplicateAbove(d.Source, highestTarget + 1))];
        byte* actions = stackalloc byte[Interop.Libc.FileActionsSize];
        byte* attr = stackalloc byte[Interop.Libc.SpawnAttrSize];
        byte* emptySet = stackalloc byte[Interop.Libc.SigsetSize];
        byte* fullSet = stackalloc byte[Interop.Libc.SigsetSize];
        nint[] strings = new nint[argv.Count];
        try
        {
            Check(Interop.Libc.PosixSpawnFileActionsInit(actions), "posix_spawn_file_actions_init");
            Check(Interop.Libc.PosixSpawnAttrInit(attr), "posix_spawnattr_init");
            for (int i = 0; i < descriptors.Count; i++)
            {
                Check(Interop.Libc.PosixSpawnFileActionsAddDup2(actions, Interop.FileDescriptors.Number(lifted[i]), descriptors[i].Target), "posix_spawn_file_actions_adddup2");
            }

            Check(Interop.Libc.PosixSpawnFileActionsAddCloseFrom(actions, highestTarget + 1), "posix_spawn_file_actions_addclosefrom_np");
            Interop.Libc.SigEmptySet(emptySet);
            Interop.Libc.SigFillSet(fullSet);
            Check(Interop.Libc.PosixSpawnAttrSetSigMask(attr, emptySet), "posix_spawnattr_setsigmask");
            Check(Interop.Libc.PosixSpawnAttrSetSigDefault(attr, fullSet), "posix_spawnattr_setsigdefault");
            Check(Interop.Libc.PosixSpawnAttrSetFlags(attr, (short)(Interop.Libc.PosixSpawnSetSigMask | Interop.Libc.PosixSpawnSetSigDef | Interop.Libc.PosixSpawnSetSid)), "posix_spawnattr_setflags");

            byte** argvPtr = stackalloc byte*[argv.Count + 1];
            for (int i = 0; i < argv.Count; i++)
            {
                strings[i] = Marshal.StringToCoTaskMemUTF8(argv[i]);
                argvPtr[i] = (byte*)strings[i];
            }

            argvPtr[argv.Count] = null;
            byte** envp = stackalloc byte*[1];
            envp[0] = null;
            int error = Interop.Libc.PosixSpawn(out int pid, argvPtr[0], actions, attr, argvPtr, envp);
            if (error != 0)
            {
                throw new SandboxSetupException("spawn", $"cannot start {argv[0]}: {Marshal.GetPInvokeErrorMessage(error)} (errno {error})", "reinstall Cordon; run cordon doctor");
            }

            return pid;
        }
        finally
        {
            foreach (nint s in strings) Marshal.FreeCoTaskMem(s);
            Interop.Libc.PosixSpawnFileActionsDestroy(actions);
            Interop.Libc.PosixSpawnAttrDestroy(attr);
            foreach (var handle in lifted) handle.Dispose();
        }
    }

    private static void Check(int error, string call)
    {
        if (error != 0) throw new SandboxSetupException("spawn", $"{call} failed: errno {error}");
    }
}
