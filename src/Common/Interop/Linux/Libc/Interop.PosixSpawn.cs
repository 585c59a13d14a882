using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // posix_spawn(3) runs only libc code in the child (glibc uses clone(CLONE_VM|CLONE_VFORK) + exec), so no
        // managed code ever runs between fork and exec (managed code after fork is unsafe: other threads' locks are held forever). The opaque types are allocated generously:
        // glibc x86-64 uses 80 bytes for file actions and 336 for attributes.
        internal const int FileActionsSize = 256;
        internal const int SpawnAttrSize = 512;
        internal const int SigsetSize = 128;

        internal const short PosixSpawnSetSigDef = 0x04;
        internal const short PosixSpawnSetSigMask = 0x08;
        internal const short PosixSpawnSetSid = 0x80;

        [LibraryImport(Libraries.Libc, EntryPoint = "posix_spawn_file_actions_init")]
        internal static unsafe partial int PosixSpawnFileActionsInit(byte* actions);

        [LibraryImport(Libraries.Libc, EntryPoint = "posix_spawn_file_actions_destroy")]
        internal static unsafe partial int PosixSpawnFileActionsDestroy(byte* actions);

        [LibraryImport(Libraries.Libc, EntryPoint = "posix_spawn_file_actions_adddup2")]
        internal static unsafe partial int PosixSpawnFileActionsAddDup2(byte* actions, int fd, int newFd);

        /// <summary>glibc ≥ 2.34: closes every descriptor from <paramref name="from"/> up in the child.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "posix_spawn_file_actions_addclosefrom_np")]
        internal static unsafe partial int PosixSpawnFileActionsAddCloseFrom(byte* actions, int from);

        [LibraryImport(Libraries.Libc, EntryPoint = "posix_spawnattr_init")]
        internal static unsafe partial int PosixSpawnAttrInit(byte* attr);

        [LibraryImport(Libraries.Libc, EntryPoint = "posix_spawnattr_destroy")]
        internal static unsafe partial int PosixSpawnAttrDestroy(byte* attr);

        [LibraryImport(Libraries.Libc, EntryPoint = "posix_spawnattr_setflags")]
        internal static unsafe partial int PosixSpawnAttrSetFlags(byte* attr, short flags);

        [LibraryImport(Libraries.Libc, EntryPoint = "posix_spawnattr_setsigmask")]
        internal static unsafe partial int PosixSpawnAttrSetSigMask(byte* attr, byte* sigset);

        [LibraryImport(Libraries.Libc, EntryPoint = "posix_spawnattr_setsigdefault")]
        internal static unsafe partial int PosixSpawnAttrSetSigDefault(byte* attr, byte* sigset);

        [LibraryImport(Libraries.Libc, EntryPoint = "sigemptyset")]
        internal static unsafe partial int SigEmptySet(byte* sigset);

        [LibraryImport(Libraries.Libc, EntryPoint = "sigfillset")]
        internal static unsafe partial int SigFillSet(byte* sigset);

        /// <summary>Returns an errno value (not -1) on failure, as POSIX specifies.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "posix_spawn")]
        internal static unsafe partial int PosixSpawn(out int pid, byte* path, byte* fileActions, byte* attr, byte** argv, byte** envp);
    }
}
