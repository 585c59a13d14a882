using System.Runtime.InteropServices;

internal static partial class Interop
{
    /// <summary>
    /// The descriptor number of a SafeHandle, held open until disposed, so that a call taking a raw number cannot race
    /// another thread's close (and act on whatever file reuses the number). The SafeHandle overloads of the raw
    /// declarations are built on it.
    /// </summary>
    internal readonly ref struct HeldDescriptor
    {
        private readonly SafeHandle _handle;
        private readonly bool _added;

        /// <exception cref="ObjectDisposedException">The handle was already closed.</exception>
        internal HeldDescriptor(SafeHandle handle)
        {
            bool added = false;
            handle.DangerousAddRef(ref added);
            (_handle, _added, Number) = (handle, added, (int)handle.DangerousGetHandle());
        }

        /// <summary>The descriptor number, valid until <see cref="Dispose"/>.</summary>
        internal int Number { get; }

        /// <summary>Lets the handle close again.</summary>
        public void Dispose()
        {
            if (_added) _handle.DangerousRelease();
        }
    }
}
