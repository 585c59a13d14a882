using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libseccomp
    {
        /// <summary>
        /// <c>seccomp_rule_add_array(3)</c>: <paramref name="action"/> for <paramref name="syscall"/> when every comparison holds.
        /// 0, or a negative errno (-EACCES when the action equals the default action).
        /// </summary>
        [LibraryImport(Libraries.Libseccomp, EntryPoint = "seccomp_rule_add_array")]
        internal static unsafe partial int SeccompRuleAddArray(SafeSeccompFilterHandle context, uint action, int syscall,
            uint comparisonCount, ArgumentComparison* comparisons);
    }
}
