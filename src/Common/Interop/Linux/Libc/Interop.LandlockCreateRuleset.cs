using System.Runtime.InteropServices;

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
        internal static long LandlockAbiVersion() => Syscall(SysLandlockCreateRuleset, 0, 0, (nint)LandlockCreateRulesetVersion, 0, 0);

    }
}
