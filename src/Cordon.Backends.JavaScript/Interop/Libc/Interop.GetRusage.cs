using System.Runtime.InteropServices;

namespace Cordon.Backends.JavaScript;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary><c>RUSAGE_THREAD</c> (Linux ≥ 2.6.26): usage of the calling thread only.</summary>
        internal const int RusageThread = 1;

        /// <summary>getrusage(2). Returns 0, or -1 with errno.</summary>
        /// <remarks>
        /// DllImport rather than LibraryImport: the signature is blittable, so no marshalling stub is generated and this
        /// project stays free of AllowUnsafeBlocks (the process tier is the only unsafe assembly).
        /// </remarks>
        [DllImport(Libraries.Libc, EntryPoint = "getrusage", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int GetRusage(int who, out Rusage usage);

        /// <summary>struct rusage on 64-bit Linux: two timevals followed by fourteen longs.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct Rusage
        {
            internal long UserSeconds;
            internal long UserMicroseconds;
            internal long SystemSeconds;
            internal long SystemMicroseconds;
            internal long MaxRss, IxRss, IdRss, IsRss, MinFlt, MajFlt, NSwap, InBlock, OuBlock, MsgSnd, MsgRcv, NSignals, NVCsw, NIvCsw;
        }
    }
}
