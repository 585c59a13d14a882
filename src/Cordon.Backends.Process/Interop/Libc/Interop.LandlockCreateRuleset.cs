using System.Runtime.InteropServices;

namespace Cordon.Backends.Process;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary><c>landlock_create_ruleset</c> is 444 on every architecture (the unified syscall table, Linux 5.13).</summary>
        private const long SysLandlockCreateRuleset = 444;

        /// <summary>LANDLOCK_CREATE_RULESET_VERSION: ask for the ABI version instead of creating a ruleset.</summary>
        private const uint LandlockCreateRulesetVersion = 1;

        /// <summary>
        /// <c>landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION)</c> through <c>syscall(2)</c> (glibc 2.36 has
        /// no wrapper): the highest Landlock ABI the kernel supports, or -1 + errno (ENOSYS: not built in; EOPNOTSUPP: built
        /// in but not enabled at boot, lsm=).
        /// </summary>
        internal static long LandlockAbiVersion() => Syscall(SysLandlockCreateRuleset, 0, 0, LandlockCreateRulesetVersion);

        // syscall(2) is variadic; its integer arguments travel in the same registers as fixed ones on x86-64 and arm64 Linux.
        [LibraryImport(Libraries.Libc, EntryPoint = "syscall", SetLastError = true)]
        private static partial long Syscall(long number, nint attributes, nuint size, uint flags);
    }
}
