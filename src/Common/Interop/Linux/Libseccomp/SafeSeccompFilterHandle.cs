using System.Runtime.InteropServices;

/// <summary>Owns a libseccomp filter context (<c>scmp_filter_ctx</c>); released with <c>seccomp_release(3)</c>.</summary>
/// <remarks>A context only describes a filter; nothing is installed in any process until someone loads its exported program.</remarks>
internal sealed class SafeSeccompFilterHandle : SafeHandle
{
    /// <summary>Called by the interop marshaller for <see cref="Interop.Libseccomp.SeccompInit"/>.</summary>
    public SafeSeccompFilterHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    /// <inheritdoc />
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        Interop.Libseccomp.SeccompRelease(handle);
        return true;
    }
}
