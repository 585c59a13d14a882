using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary><c>RUSAGE_THREAD</c> (Linux 2.6.26+): usage of the calling thread only.</summary>
        internal const int RusageThread = 1;

        /// <summary>struct rusage on 64-bit Linux: two timevals followed by fourteen longs.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct Rusage
        {
            internal long UserSeconds;
            internal long UserMicroseconds;
            internal long SystemSeconds;
            internal long SystemMicroseconds;
            internal long MaxRss, IxRss, IdRss, IsRss, MinFlt, MajFlt, NSwap, InBlock, OuBlock, MsgSnd, MsgRcv, NSignals, NVCsw, NIvCsw;

            /// <summary>User CPU time.</summary>
            internal readonly TimeSpan User => TimeSpan.FromSeconds(UserSeconds) + TimeSpan.FromMicroseconds(UserMicroseconds);

            /// <summary>System CPU time.</summary>
            internal readonly TimeSpan System => TimeSpan.FromSeconds(SystemSeconds) + TimeSpan.FromMicroseconds(SystemMicroseconds);
        }

        /// <summary>getrusage(2). Returns 0, or -1 with errno.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "getrusage", SetLastError = true)]
        internal static partial int GetRusage(int who, out Rusage usage);
    }
}
