using System.Runtime.InteropServices;

internal static partial class Interop
{
    /// <summary>libseccomp 2.5 (<c>/usr/include/seccomp.h</c>). Used only to compile filters to BPF; never to load one.</summary>
    internal static partial class Libseccomp
    {
        /// <summary>SCMP_ACT_KILL_PROCESS: the whole thread group dies of SIGSYS.</summary>
        internal const uint ActKillProcess = 0x80000000;

        /// <summary>SCMP_ACT_NOTIFY: the call waits until the listener's owner answers it.</summary>
        internal const uint ActNotify = 0x7fc00000;

        /// <summary>SCMP_ACT_ALLOW.</summary>
        internal const uint ActAllow = 0x7fff0000;

        /// <summary>SCMP_ACT_ERRNO(<paramref name="errno"/>): the call fails with that errno without reaching the kernel.</summary>
        internal static uint ActErrno(int errno) => 0x00050000u | ((uint)errno & 0x0000ffffu);

        /// <summary><c>enum scmp_filter_attr</c> (the values differ from the order in the man page).</summary>
        internal enum FilterAttribute
        {
            ActDefault = 1,
            ActBadArch = 2,
            CtlNoNewPrivs = 3,
            CtlThreadSync = 4,
            ApiSkipSyscall = 5,
            CtlLog = 6,
            CtlSpeculativeStoreBypass = 7,
            CtlOptimize = 8,
            ApiSysRawReturnCodes = 9,
        }

        /// <summary><c>enum scmp_compare</c>.</summary>
        internal enum Compare
        {
            NotEqual = 1,
            LessThan = 2,
            LessOrEqual = 3,
            Equal = 4,
            GreaterOrEqual = 5,
            GreaterThan = 6,

            /// <summary>(argument &amp; DatumA) == DatumB.</summary>
            MaskedEqual = 7,
        }

        /// <summary><c>struct scmp_arg_cmp</c>: one comparison on one syscall argument (64-bit datums).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct ArgumentComparison
        {
            internal uint Argument;
            internal Compare Operation;
            internal ulong DatumA;
            internal ulong DatumB;
        }

        /// <summary><c>__NR_SCMP_ERROR</c>: what <c>seccomp_syscall_resolve_name</c> returns for an unknown name.</summary>
        internal const int ResolveError = -1;
    }
}
